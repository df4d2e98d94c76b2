package discord

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordgoAPI is the REST prefix discordgo builds its URLs on (package
// strings, API v9): the rewriter moves it onto DISCORD_API_URL.
const discordgoAPI = "/api/v" + "9" + "/"

// Rewriter is an http.RoundTripper that sends discordgo's requests, built
// on https://discord.com/api/v9/, to another REST base (DISCORD_API_URL: a
// REST proxy, or a test's fake), keeping the rest of the path.
type Rewriter struct {
	Base *url.URL
	Next http.RoundTripper // nil: http.DefaultTransport
}

// RoundTrip rewrites scheme, host and the API prefix.
func (t Rewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	rest, ok := strings.CutPrefix(r.URL.Path, discordgoAPI)
	if !ok {
		rest = strings.TrimPrefix(r.URL.Path, "/")
	}
	r.URL.Scheme, r.URL.Host, r.Host = t.Base.Scheme, t.Base.Host, t.Base.Host
	r.URL.Path = strings.TrimSuffix(t.Base.Path, "/") + "/" + rest
	r.URL.RawPath = ""
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// NewSession is a discordgo session for the bot token whose REST calls go
// to apiBase. It asks for no intents: interactions reach a bot whatever
// its intents, and privileged ones would need Discord's approval.
func NewSession(token, apiBase string) (*discordgo.Session, error) {
	u, err := url.Parse(apiBase)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: REST base must be an http(s) URL, got %q", apiBase)
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, err
	}
	s.Client = &http.Client{Transport: Rewriter{Base: u}, Timeout: 30 * time.Second}
	s.Identify.Intents = discordgo.IntentsNone
	// A rate limit is returned, not slept through past the caller's context.
	s.ShouldRetryOnRateLimit = false
	s.LogLevel = discordgo.LogError
	return s, nil
}

var logOnce sync.Once

// RunGateway feeds the session's interactions to the same answers as the
// HTTP endpoint, answering through Discord's callback endpoint, until ctx
// ends.
func (b *Bot) RunGateway(ctx context.Context, s *discordgo.Session) error {
	logOnce.Do(func() {
		// discordgo logs through the standard logger; the service logs
		// through slog, in its format and at its level.
		log := b.log
		discordgo.Logger = func(level, _ int, format string, a ...any) {
			msg := "discordgo: " + fmt.Sprintf(format, a...)
			if level <= discordgo.LogError {
				log.Error(msg)
			} else {
				log.Debug(msg)
			}
		}
	})
	remove := s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		if ic.Interaction == nil || ic.Type == discordgo.InteractionPing || userOf(ic.Interaction) == nil {
			return
		}
		b.serve(ctx, ic.Interaction, func(r *discordgo.InteractionResponse) error {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			defer cancel()
			return b.callback(cctx, ic.Interaction, r)
		})
	})
	defer remove()
	// discordgo reconnects a connection that dropped, not one that never
	// opened (Discord or the network down at start): that is retried here.
	for wait := time.Second; ; wait = min(2*wait, time.Minute) {
		err := s.Open()
		if err == nil {
			break
		}
		b.log.Warn("discord: could not open the gateway; retrying", "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	<-ctx.Done()
	b.Wait()
	return s.Close()
}
