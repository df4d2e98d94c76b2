package domain

import (
	"net/url"
	"regexp"
	"strings"
	"time"
)

// ContentKind is what a creator posted.
type ContentKind string

const (
	ContentVideo ContentKind = "video"
	ContentLive  ContentKind = "live"
)

// Content is a link a creator submitted for a sample.
type Content struct {
	ID          int64
	SampleID    int64
	CreatorID   int64
	URL         string
	Kind        ContentKind
	SubmittedAt time.Time
}

var (
	videoPathRE = regexp.MustCompile(`^/@[A-Za-z0-9._]{2,24}/video/[0-9]{5,25}/?$`)
	livePathRE  = regexp.MustCompile(`^/@[A-Za-z0-9._]{2,24}/live/?$`)
	shortPathRE = regexp.MustCompile(`^/[A-Za-z0-9]{5,20}/?$`)
)

// ParseContentURL accepts a TikTok video or LIVE link: tiktok.com/@h/video/N,
// tiktok.com/@h/live, or a vm./vt.tiktok.com short link.
func ParseContentURL(field, s string) (string, ContentKind, error) {
	s = strings.TrimSpace(s)
	bad := Invalidf(field, "%s must be a TikTok video or LIVE link, like https://www.tiktok.com/@maya_glow/video/7301234567890123456 (got %q)", label(field), s)
	if len(s) > 500 {
		return "", "", bad
	}
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw // people paste "www.tiktok.com/@me/video/..."
	}
	u, err := url.Parse(raw)
	// http links are TikTok links too (they redirect); we store https.
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.Port() != "" {
		return "", "", bad
	}
	host := strings.ToLower(u.Hostname())
	switch host {
	case "www.tiktok.com", "tiktok.com", "m.tiktok.com":
		if videoPathRE.MatchString(u.Path) {
			return "https://www.tiktok.com" + strings.TrimSuffix(u.Path, "/"), ContentVideo, nil
		}
		if livePathRE.MatchString(u.Path) {
			return "https://www.tiktok.com" + strings.TrimSuffix(u.Path, "/"), ContentLive, nil
		}
	case "vm.tiktok.com", "vt.tiktok.com":
		if shortPathRE.MatchString(u.Path) {
			return "https://" + host + strings.TrimSuffix(u.Path, "/"), ContentVideo, nil
		}
	}
	return "", "", bad
}

// LinkHandle is the account a content link (as ParseContentURL returns
// it) belongs to, lowercase, or "" for a short link, which names none.
func LinkHandle(link string) string {
	rest, ok := strings.CutPrefix(link, "https://www.tiktok.com/@")
	if !ok {
		return ""
	}
	h, _, _ := strings.Cut(rest, "/")
	return strings.ToLower(h)
}

// IsShortLink reports a vm./vt.tiktok.com link: it redirects to a video
// without naming whose, so someone must check it is the creator's.
func IsShortLink(link string) bool {
	return strings.HasPrefix(link, "https://vm.tiktok.com/") || strings.HasPrefix(link, "https://vt.tiktok.com/")
}

// CheckContentOwner refuses a link to another account's video or LIVE:
// content for a sample must be posted by the creator who received it.
func CheckContentOwner(field string, c Creator, link string) error {
	h := LinkHandle(link)
	if h == "" || c.Handle == "" || h == c.Handle {
		return nil
	}
	return Invalidf(field, "%s is @%s's, not yours: send the link of the video or LIVE you posted as %s", label(field), h, c.At())
}
