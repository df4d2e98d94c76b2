package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// answer is the response to one verified interaction.
func (b *Bot) answer(ctx context.Context, i *discordgo.Interaction) (resp *discordgo.InteractionResponse) {
	defer func() {
		// A bug in one answer must not take the process down with it.
		if p := recover(); p != nil {
			resp = b.replyErr(domain.Internal(fmt.Errorf("panic: %v", p), "discord: answer"), i)
		}
	}()
	ctx = commands.ReadOnce(ctx) // the creator and what they list share one freshness check
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return b.command(ctx, i)
	case discordgo.InteractionApplicationCommandAutocomplete:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	case discordgo.InteractionMessageComponent:
		return b.component(ctx, i)
	case discordgo.InteractionModalSubmit:
		return b.modal(ctx, i)
	}
	return reply(text("This kind of interaction is not supported."))
}

// notLinked answers someone whose Discord account is on no roster entry.
const notLinked = "Your Discord account is not linked to a creator on the seller team's roster yet. Type /link with your TikTok handle (like /link maya_glow); the team confirms it and you get a DM here."

// creator resolves the acting creator and how they read dates; a user
// not on the roster is pointed at /link.
func (b *Bot) creator(ctx context.Context, i *discordgo.Interaction) (domain.Actor, present.Reader, *discordgo.InteractionResponse) {
	actor, loc, err := b.app.CreatorReader(ctx, userOf(i).ID)
	r := present.Reader{Zone: loc, Team: b.app.Location(), Now: b.app.Now()}
	switch {
	case err == nil:
		return actor, r, nil
	case domain.ErrorKind(err) == domain.KindForbidden || domain.ErrorKind(err) == domain.KindNotFound:
		return actor, r, reply(text(notLinked))
	}
	return actor, r, b.replyErr(err, i)
}

// command answers /plans, /invitations, /samples and /link.
func (b *Bot) command(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	data := i.ApplicationCommandData()
	if data.Name == "link" {
		handle := ""
		for _, o := range data.Options {
			if o.Name == "handle" && o.Type == discordgo.ApplicationCommandOptionString {
				handle, _ = o.Value.(string)
			}
		}
		u := userOf(i)
		v, err := b.app.RequestLink(ctx, u.ID, displayName(u), handle)
		if err != nil {
			return b.replyErr(err, i)
		}
		return replyCard(present.LinkRequested(v))
	}
	list, ok := lists[data.Name]
	if !ok {
		return reply(text(fmt.Sprintf("Unknown command /%s. Try /plans, /invitations, /samples or /link.", clip(data.Name, 32))))
	}
	actor, r, refused := b.creator(ctx, i)
	if refused != nil {
		return refused
	}
	card, err := list(ctx, b.app, actor, r)
	if err != nil {
		return b.refuse(err, i, r)
	}
	return replyCard(card)
}

// lists are the creator's list commands: the use cases' views and the
// cards the console shows for plans, invitations and samples.
var lists = map[string]func(ctx context.Context, app *commands.App, actor domain.Actor, r present.Reader) (present.Card, error){
	"plans": func(ctx context.Context, app *commands.App, actor domain.Actor, r present.Reader) (present.Card, error) {
		vs, err := app.ListPlans(ctx, actor)
		return present.Plans(vs, true, r), err
	},
	"invitations": func(ctx context.Context, app *commands.App, actor domain.Actor, r present.Reader) (present.Card, error) {
		p, err := app.ListInvitationsPage(ctx, actor, "", "")
		return present.More(present.Invitations(p.Invitations, r), p.More, "the oldest are left out"), err
	},
	"samples": func(ctx context.Context, app *commands.App, actor domain.Actor, r present.Reader) (present.Card, error) {
		p, err := app.ListSamplesPage(ctx, actor, "", "")
		return present.More(present.Samples(p.Samples, true, r), p.More, "the oldest are left out"), err
	},
}

// component answers a button click: a form opens a modal, an action runs
// through the grammar's Click like any other surface's.
func (b *Bot) component(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	id := i.MessageComponentData().CustomID
	act, err := present.ParseAction(id)
	if err != nil {
		return b.replyErr(err, i)
	}
	actor, r, refused := b.creator(ctx, i)
	if refused != nil {
		return refused
	}
	if formVerbs[act.Verb] {
		return b.openForm(ctx, i, actor, r, act)
	}
	card, err := b.grammar.Click(ctx, actor, id)
	if err != nil {
		return b.refuse(err, i, r)
	}
	return replyCard(card)
}

func displayName(u *discordgo.User) string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}
