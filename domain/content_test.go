package domain_test

import (
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
)

func TestParseContentURLValid(t *testing.T) {
	tests := []struct {
		in       string
		wantURL  string
		wantKind domain.ContentKind
	}{
		{"https://www.tiktok.com/@maya_glow/video/7301234567890123456", "https://www.tiktok.com/@maya_glow/video/7301234567890123456", domain.ContentVideo},
		{"  https://www.tiktok.com/@maya_glow/video/7301234567890123456/  ", "https://www.tiktok.com/@maya_glow/video/7301234567890123456", domain.ContentVideo},
		{"https://tiktok.com/@maya.glow/video/12345", "https://www.tiktok.com/@maya.glow/video/12345", domain.ContentVideo},
		{"https://m.tiktok.com/@maya_glow/video/12345?is_from_webapp=1&sender_device=pc", "https://www.tiktok.com/@maya_glow/video/12345", domain.ContentVideo},
		{"https://WWW.TikTok.com/@Maya_Glow/video/12345#comments", "https://www.tiktok.com/@Maya_Glow/video/12345", domain.ContentVideo},
		{"https://www.tiktok.com/@maya_glow/live", "https://www.tiktok.com/@maya_glow/live", domain.ContentLive},
		{"https://www.tiktok.com/@maya_glow/live/", "https://www.tiktok.com/@maya_glow/live", domain.ContentLive},
		{"https://vm.tiktok.com/ZMabc1234/", "https://vm.tiktok.com/ZMabc1234", domain.ContentVideo},
		{"https://vt.tiktok.com/ZSxyz987", "https://vt.tiktok.com/ZSxyz987", domain.ContentVideo},
		{"https://VM.TIKTOK.COM/ZMabc1234", "https://vm.tiktok.com/ZMabc1234", domain.ContentVideo},
		// Pasted without the scheme, as browsers and apps often copy it.
		{"www.tiktok.com/@maya_glow/video/12345", "https://www.tiktok.com/@maya_glow/video/12345", domain.ContentVideo},
		{"vm.tiktok.com/ZMabc1234", "https://vm.tiktok.com/ZMabc1234", domain.ContentVideo},
		{"http://www.tiktok.com/@maya_glow/video/12345", "https://www.tiktok.com/@maya_glow/video/12345", domain.ContentVideo},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			u, k, err := domain.ParseContentURL("content_url", tc.in)
			noErr(t, err)
			if u != tc.wantURL || k != tc.wantKind {
				t.Errorf("ParseContentURL(%q) = %q, %q; want %q, %q", tc.in, u, k, tc.wantURL, tc.wantKind)
			}
			// The normal form is a fixed point.
			u2, k2, err := domain.ParseContentURL("content_url", u)
			if err != nil || u2 != u || k2 != k {
				t.Errorf("ParseContentURL(%q) = %q, %q, %v; want it unchanged", u, u2, k2, err)
			}
		})
	}
}

func TestParseContentURLInvalid(t *testing.T) {
	for _, in := range []string{
		"",
		"//www.tiktok.com/@maya_glow/video/12345",
		"https://evil.com/@maya_glow/video/12345",
		"https://www.tiktok.com.evil.com/@maya_glow/video/12345",
		"https://eviltiktok.com/@maya_glow/video/12345",
		"https://tiktok.evil.com/@maya_glow/video/12345",
		"https://www.youtube.com/watch?v=dQw4w9WgXcQ",
		"https://youtu.be/dQw4w9WgXcQ",
		"javascript:alert(1)",
		"javascript://www.tiktok.com/@maya_glow/video/12345",
		"data:text/html,<script>alert(1)</script>",
		"https://user:pass@www.tiktok.com/@maya_glow/video/12345",
		"https://user@www.tiktok.com/@maya_glow/video/12345",
		"https://www.tiktok.com:443/@maya_glow/video/12345",
		"https://www.tiktok.com:8443/@maya_glow/video/12345",
		"https://vm.tiktok.com:443/ZMabc1234",
		"https://www.tiktok.com/@maya_glow",
		"https://www.tiktok.com/@maya_glow/video/",
		"https://www.tiktok.com/@maya_glow/video/abc",
		"https://www.tiktok.com/@maya_glow/video/1234",
		"https://www.tiktok.com/@m/video/12345",
		"https://www.tiktok.com/maya_glow/video/12345",
		"https://www.tiktok.com/@maya-glow/video/12345",
		"https://www.tiktok.com/@maya_glow/photo/12345",
		"https://www.tiktok.com/@maya_glow/video/12345/extra",
		"https://www.tiktok.com/@maya_glow/live/12345",
		"https://www.tiktok.com/ZMabc1234",
		"https://vm.tiktok.com/@maya_glow/video/12345",
		"https://vm.tiktok.com/ab",
		"https://vm.tiktok.com/",
		"https://shop.tiktok.com/@maya_glow/video/12345",
		"https:www.tiktok.com/@maya_glow/video/12345",
		"https://www.tiktok.com/@maya_glow/video/12345" + strings.Repeat("0", 500),
		"ftp://www.tiktok.com/@maya_glow/video/12345",
		"https://www.tiktok.com/@maya_glow/video/12345\n<script>",
	} {
		t.Run(in, func(t *testing.T) {
			u, k, err := domain.ParseContentURL("content_url", in)
			if err == nil {
				t.Fatalf("ParseContentURL(%q) = %q, %q; want an error", in, u, k)
			}
			if u != "" || k != "" {
				t.Errorf("returned %q, %q along with the error", u, k)
			}
			checkErr(t, err, domain.KindInvalid, "content_url", "Content url must be a TikTok video or LIVE link")
		})
	}
}

func FuzzParseContentURL(f *testing.F) {
	for _, s := range []string{
		"https://www.tiktok.com/@maya_glow/video/7301234567890123456",
		"https://tiktok.com/@maya_glow/live",
		"https://vm.tiktok.com/ZMabc1234/",
		"https://vt.tiktok.com/ZSxyz987",
		"http://www.tiktok.com/@maya_glow/video/12345",
		"https://user@www.tiktok.com/@maya_glow/video/12345",
		"https://www.tiktok.com:443/@maya_glow/video/12345",
		"https://www.tiktok.com.evil.com/@maya_glow/video/12345",
		"javascript:alert(1)",
		"https://www.tiktok.com/@maya%2Fglow/video/12345",
		"https://[::1]/@maya_glow/video/12345",
		"",
	} {
		f.Add(s)
	}
	allowed := []string{"https://www.tiktok.com/@", "https://vm.tiktok.com/", "https://vt.tiktok.com/"}
	f.Fuzz(func(t *testing.T, s string) {
		u, k, err := domain.ParseContentURL("content_url", s)
		if err != nil {
			if domain.ErrorKind(err) != domain.KindInvalid {
				t.Fatalf("ParseContentURL(%q): kind %q, want invalid", s, domain.ErrorKind(err))
			}
			return
		}
		ok := false
		for _, p := range allowed {
			if strings.HasPrefix(u, p) && len(u) > len(p) {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("ParseContentURL(%q) = %q: not on www.tiktok.com or a vm/vt short link", s, u)
		}
		if k != domain.ContentVideo && k != domain.ContentLive {
			t.Fatalf("ParseContentURL(%q) kind %q", s, k)
		}
		if k == domain.ContentLive && (!strings.HasPrefix(u, "https://www.tiktok.com/@") || !strings.HasSuffix(u, "/live")) {
			t.Fatalf("ParseContentURL(%q) = %q, live kind on a non-live link", s, u)
		}
		if strings.ContainsAny(u, "?#%\\ \t\r\n\"'<>") {
			t.Fatalf("ParseContentURL(%q) = %q, normal form carries unsafe characters", s, u)
		}
		u2, k2, err := domain.ParseContentURL("content_url", u)
		if err != nil || u2 != u || k2 != k {
			t.Fatalf("normal form %q is not a fixed point: %q, %q, %v", u, u2, k2, err)
		}
	})
}

func TestCheckContentOwner(t *testing.T) {
	maya := domain.Creator{Handle: "maya_glow"}
	tests := []struct {
		link  string
		ok    bool
		short bool
	}{
		{"https://www.tiktok.com/@maya_glow/video/7301234567890123456", true, false},
		{"https://www.tiktok.com/@maya_glow/live", true, false},
		{"https://www.tiktok.com/@someoneelse/video/7301234567890123456", false, false},
		{"https://www.tiktok.com/@maya_glo/video/7301234567890123456", false, false},
		{"https://vm.tiktok.com/ZM8abcde", true, true},
		{"https://vt.tiktok.com/ZS8abcde", true, true},
	}
	for _, tc := range tests {
		url, _, err := domain.ParseContentURL("content_link", tc.link)
		noErr(t, err)
		err = domain.CheckContentOwner("content_link", maya, url)
		if (err == nil) != tc.ok {
			t.Errorf("CheckContentOwner(%q) = %v, want ok %v", tc.link, err, tc.ok)
		}
		if err != nil {
			checkErr(t, err, domain.KindInvalid, "content_link", "not yours", "@maya_glow")
		}
		if got := domain.IsShortLink(url); got != tc.short {
			t.Errorf("IsShortLink(%q) = %v, want %v", url, got, tc.short)
		}
	}
}
