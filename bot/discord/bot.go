// Package discord is the creators' adapter: it answers Discord
// interactions (application commands, button clicks, modal submits) that
// arrive signed over HTTP at POST /discord/interactions or over a gateway
// session, turns them into use-case calls with the creator as the actor,
// renders the presentation layer's cards as embeds and buttons, and
// delivers the creators' outbox rows as DMs (created, edited in place,
// paced to Discord's limits). It owns nothing of the rules: refusals come
// from the use cases and are shown to the one who clicked.
package discord

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

// Defaults of the Bot's timings.
const (
	// DefaultDeferAfter is how long an answer may take before Discord is
	// told "thinking" (its deadline is 3 s, the network needs some of it).
	DefaultDeferAfter = 2 * time.Second
	// DefaultWorkTimeout bounds deferred work; the interaction token that
	// finishes it is valid for 15 minutes.
	DefaultWorkTimeout = 5 * time.Minute
)

// Bot answers interactions for the use cases.
type Bot struct {
	app        *commands.App
	grammar    *grammar.Interpreter
	rest       *REST
	appID      string
	log        *slog.Logger
	deferAfter time.Duration
	work       time.Duration
	pending    sync.WaitGroup // interactions still being answered
	metrics    metrics
	// slow, when set, runs before each answer (tests: work that outlasts
	// the deferral).
	slow func()
}

// Options configure a Bot.
type Options struct {
	App   *commands.App
	REST  *REST  // follow-ups, edits of deferred answers, gateway callbacks
	AppID string // DISCORD_APP_ID
	Log   *slog.Logger
	// Metrics, when set, receives the adapter's counters (serve's /metrics).
	Metrics prometheus.Registerer
	// DeferAfter and WorkTimeout override the defaults (tests).
	DeferAfter  time.Duration
	WorkTimeout time.Duration
}

// New builds the bot.
func New(o Options) *Bot {
	b := &Bot{app: o.App, grammar: grammar.New(o.App), rest: o.REST, appID: o.AppID, log: o.Log, deferAfter: o.DeferAfter, work: o.WorkTimeout, metrics: newMetrics(o.Metrics)}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.deferAfter <= 0 {
		b.deferAfter = DefaultDeferAfter
	}
	if b.work <= 0 {
		b.work = DefaultWorkTimeout
	}
	return b
}

// Wait returns once every interaction under way, deferred ones included,
// has been answered (shutdown, tests).
func (b *Bot) Wait() { b.pending.Wait() }

// serve answers one interaction through respond (the HTTP body, or the
// gateway's callback endpoint). The answer is worked out on the caller's
// goroutine: handing it to another and waiting cost a sixth of a request.
// A timer tells Discord "thinking" (ephemeral) should the answer not be
// ready within deferAfter, and the answer then edits that response, so
// Discord's 3 seconds always hold. respond may thus be called from the
// timer's goroutine while the caller still works; the HTTP handler flushes
// what it writes, so the deferral leaves at once.
func (b *Bot) serve(ctx context.Context, i *discordgo.Interaction, respond func(*discordgo.InteractionResponse) error) {
	if i.Type == discordgo.InteractionPing {
		b.report(respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}), i, "pong")
		return
	}
	b.pending.Add(1)
	defer b.pending.Done()
	// Detached from the request: Discord may hang up once it has the
	// deferral, and the work must still finish.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.work)
	defer cancel()
	var (
		mu       sync.Mutex
		answered bool // the answer claimed the response: no deferral now
		deferred bool
	)
	t := time.AfterFunc(b.deferAfter, func() {
		mu.Lock()
		defer mu.Unlock()
		if answered {
			return
		}
		deferred = true
		b.metrics.interactions.WithLabelValues(i.Type.String(), "deferred").Inc()
		b.report(respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}), i, "deferral")
	})
	if b.slow != nil {
		b.slow()
	}
	r := b.answer(wctx, i)
	t.Stop()
	// Waits for a deferral being sent: the edit must come after it.
	mu.Lock()
	answered = true
	late := deferred
	mu.Unlock()
	if late {
		b.report(b.finish(wctx, i, r), i, "deferred answer")
		return
	}
	b.metrics.interactions.WithLabelValues(i.Type.String(), "inline").Inc()
	b.report(respond(r), i, "answer")
}

// finish replaces a deferred "thinking" response with the answer.
func (b *Bot) finish(ctx context.Context, i *discordgo.Interaction, r *discordgo.InteractionResponse) error {
	m := text("That took longer than Discord waits for; please click the button again.")
	if r.Type != discordgo.InteractionResponseModal && r.Data != nil {
		m = message{Content: r.Data.Content, Embeds: r.Data.Embeds, Components: r.Data.Components, AllowedMentions: noMentions}
	}
	if b.rest == nil {
		return nil
	}
	appID := b.appID
	if appID == "" {
		appID = i.AppID
	}
	return b.rest.do(ctx, "PATCH", "webhooks/"+appID+"/"+i.Token+"/messages/@original", "PATCH webhooks/"+appID+"/interaction", false, m, nil)
}

// callback answers a gateway interaction through Discord's callback
// endpoint, as the HTTP body would.
func (b *Bot) callback(ctx context.Context, i *discordgo.Interaction, r *discordgo.InteractionResponse) error {
	return b.rest.do(ctx, "POST", "interactions/"+i.ID+"/"+i.Token+"/callback", "POST interactions/"+i.ID, false, r, nil)
}

func (b *Bot) report(err error, i *discordgo.Interaction, what string) {
	if err != nil {
		b.log.Warn("discord: could not send an interaction response", "what", what, "interaction", i.ID, "type", i.Type.String(), "err", err)
	}
}

// reply is an ephemeral answer: in a server channel only the creator sees
// it, and their invitations and samples are nobody else's business.
func reply(m message) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Content: m.Content, Embeds: m.Embeds, Components: m.Components, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions}}
}

func replyCard(c present.Card) *discordgo.InteractionResponse { return reply(render(c)) }

// replyErr shows a refusal to the one who acted, dated in the team's
// zone until the creator is known; an internal failure is logged and shown
// as ours, never with its cause.
func (b *Bot) replyErr(err error, i *discordgo.Interaction) *discordgo.InteractionResponse {
	return b.refuse(err, i, present.Reader{Zone: b.app.Location(), Team: b.app.Location(), Now: b.app.Now()})
}

// refuse is replyErr for a creator whose zone is known.
func (b *Bot) refuse(err error, i *discordgo.Interaction, r present.Reader) *discordgo.InteractionResponse {
	if domain.ErrorKind(err) == domain.KindInternal {
		b.log.Error("discord: interaction failed", "interaction", i.ID, "type", i.Type.String(), "err", err)
		return reply(text("Something went wrong on our side. Please try again in a minute."))
	}
	c := present.Refusal(err, r)
	if c.Context != "" {
		c.Text += "\n" + c.Context
	}
	return reply(text(c.Text))
}
