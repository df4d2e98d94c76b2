package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"
	"gopkg.in/yaml.v3"

	slackbot "github.com/collabbot/collabbot/bot/slack"
	"github.com/collabbot/collabbot/config"
	"github.com/collabbot/collabbot/domain"
)

func init() {
	platforms[domain.SurfaceSlack] = startSlack
	offlineCommands["slack-manifest"] = slackManifest
	// Implemented here; its commandList entry is in args.go.
}

// startSlack builds the Slack adapter from the configuration: HTTP routes
// when a signing secret is set, Socket Mode when an app token is.
func startSlack(_ context.Context, d platformDeps) (platformParts, error) {
	s := d.Cfg.Slack
	opts := []slackgo.Option{slackgo.OptionAPIURL(s.APIURL), slackgo.OptionHTTPClient(&http.Client{Timeout: 20 * time.Second})}
	if s.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(s.AppToken))
	}
	api := slackgo.New(s.BotToken, opts...)
	log := d.Log.With("platform", "slack")
	a := slackbot.New(d.App, api, slackbot.Config{
		SigningSecret: s.SigningSecret, ApprovalsChannel: s.ApprovalsChannel, SellersChannel: s.SellersChannel,
		Managers: s.Managers, Log: log, Now: d.Now,
	})
	parts := platformParts{
		Routes: a.Routes(),
		Sender: slackbot.NewSender(api, slackbot.SenderConfig{
			ApprovalsChannel: s.ApprovalsChannel, SellersChannel: s.SellersChannel, Location: d.Cfg.TimeZone, Now: d.Now,
			OnSent: a.Changed, Log: log,
		}),
	}
	if s.AppToken != "" {
		parts.Run = func(ctx context.Context) error { return a.RunSocket(ctx, slackbot.SocketOptions{}) }
	}
	return parts, nil
}

// slackManifestArgs are slack-manifest's flags, checked.
func slackManifestArgs(l cmdLine) (string, bool, error) {
	raw, ok := l.flags["url"]
	socket := false
	if v, set := l.flags["socket-mode"]; set {
		switch v {
		case "true":
			socket = true
		case "false":
		default:
			return "", false, usageError{fmt.Sprintf("--socket-mode must be true or false, got %q", v)}
		}
	}
	if !ok {
		if socket {
			return "", true, nil // Socket Mode names no URL
		}
		return "", false, usageError{"missing --url, the public address Slack sends requests to, like: collabbot slack-manifest --url https://collabbot.example.com"}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", false, usageError{fmt.Sprintf("--url must be an https:// address with a host and no query, like https://collabbot.example.com, got %q", raw)}
	}
	return strings.TrimRight(raw, "/"), socket, nil
}

func checkSlackManifest(l cmdLine) error {
	_, _, err := slackManifestArgs(l)
	return err
}

func slackManifest(_ context.Context, l cmdLine, _ config.Config, _ *slog.Logger, env Env) error {
	base, socket, err := slackManifestArgs(l)
	if err != nil {
		return err
	}
	out, err := yaml.Marshal(slackbot.Manifest(base, socket))
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(out)
	return err
}
