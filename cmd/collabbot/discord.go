package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/bot/discord"
	"github.com/collabbot/collabbot/config"
	"github.com/collabbot/collabbot/domain"
)

func init() {
	platforms[domain.SurfaceDiscord] = startDiscord
	offlineCommands["discord-register"] = discordRegister
	// Implemented here; its commandList entry is in args.go.
}

// startDiscord builds the Discord part of serve: the DM sender, and the
// interactions endpoint (HTTP mode) or the gateway session.
func startDiscord(ctx context.Context, d platformDeps) (platformParts, error) {
	cfg := d.Cfg.Discord
	rest, err := discord.NewREST(cfg.APIURL, cfg.BotToken, nil)
	if err != nil {
		return platformParts{}, err
	}
	var reg prometheus.Registerer // a nil *Registry in it would not be nil
	if d.Metrics != nil {
		reg = d.Metrics
	}
	bot := discord.New(discord.Options{App: d.App, REST: rest, AppID: cfg.AppID, Log: d.Log, Metrics: reg})
	parts := platformParts{Sender: discord.NewSender(rest, d.App, reg)}
	if !cfg.Gateway {
		parts.Routes = map[string]http.Handler{"POST /discord/interactions": bot.Handler(discord.Verifier{Key: cfg.PublicKey, Now: d.Now})}
		parts.Run = func(ctx context.Context) error {
			<-ctx.Done()
			bot.Wait() // deferred answers finish before the database closes
			return nil
		}
		return parts, nil
	}
	s, err := discord.NewSession(cfg.BotToken, cfg.APIURL)
	if err != nil {
		return platformParts{}, err
	}
	parts.Run = func(ctx context.Context) error { return bot.RunGateway(ctx, s) }
	return parts, nil
}

func checkDiscordRegister(l cmdLine) error {
	if g, ok := l.flags["guild"]; ok {
		if err := domain.ValidateDiscordID("guild", g); err != nil {
			return usageError{fmt.Sprintf("--guild must be a Discord server ID of 15 to 21 digits, got %q", g)}
		}
	}
	return nil
}

// discordRegister overwrites the app's commands with collabbot's, and
// says what Discord now has.
func discordRegister(ctx context.Context, line cmdLine, cfg config.Config, log *slog.Logger, env Env) error {
	if !cfg.DiscordEnabled() || cfg.Discord.AppID == "" {
		return badInput{"needs DISCORD_BOT_TOKEN and DISCORD_APP_ID set to the Discord app's bot token and application ID"}
	}
	s, err := discord.NewSession(cfg.Discord.BotToken, cfg.Discord.APIURL)
	if err != nil {
		return err
	}
	guild := line.flags["guild"]
	got, err := s.ApplicationCommandBulkOverwrite(cfg.Discord.AppID, guild, discord.ApplicationCommands(), discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("registering the Discord commands: %w", err)
	}
	names := make([]string, len(got))
	for i, c := range got {
		names[i] = "/" + c.Name
	}
	where := "globally (Discord may take up to an hour to show them everywhere)"
	if guild != "" {
		where = "in server " + guild + " (available at once)"
	}
	fmt.Fprintf(env.Stdout, "Registered %d Discord commands %s: %s.\n", len(got), where, strings.Join(names, ", "))
	log.Debug("discord commands registered", "count", len(got), "guild", guild)
	return nil
}
