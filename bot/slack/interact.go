package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

// openAction is the action_id prefix of the Home tab's buttons that open
// a form: "collabbot.open:invite".
const openAction = "collabbot.open:"

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte) {
	ic, ok := parseInteraction(r)
	if !ok {
		http.Error(w, "bad interaction payload", http.StatusBadRequest)
		return
	}
	writeJSON(w, a.interaction(r.Context(), ic))
}

func (a *Adapter) serveOptions(w http.ResponseWriter, r *http.Request, _ []byte) {
	ic, ok := parseInteraction(r)
	if !ok {
		http.Error(w, "bad options payload", http.StatusBadRequest)
		return
	}
	writeJSON(w, a.options(r.Context(), ic))
}

// parseInteraction reads the form-encoded payload field.
func parseInteraction(r *http.Request) (slackgo.InteractionCallback, bool) {
	if err := r.ParseForm(); err != nil {
		return slackgo.InteractionCallback{}, false
	}
	return decodeInteraction([]byte(r.PostForm.Get("payload")))
}

func decodeInteraction(raw []byte) (slackgo.InteractionCallback, bool) {
	var ic slackgo.InteractionCallback
	if len(raw) == 0 || json.Unmarshal(raw, &ic) != nil {
		return ic, false
	}
	return ic, true
}

// interaction answers any interaction payload; the result is the HTTP
// body (or the Socket Mode ack).
func (a *Adapter) interaction(ctx context.Context, ic slackgo.InteractionCallback) any {
	switch ic.Type {
	case slackgo.InteractionTypeBlockActions:
		a.actions(ctx, ic)
		return nil
	case slackgo.InteractionTypeViewSubmission:
		return a.submit(ctx, ic)
	case slackgo.InteractionTypeBlockSuggestion:
		return a.options(ctx, ic)
	}
	return nil
}

// actions runs a click. Every card button's action_id is its custom_id:
// the form verbs Slack has a modal for (reject, ship) open it, every
// other verb runs through the grammar's Click, so verbs added later need
// nothing here.
func (a *Adapter) actions(ctx context.Context, ic slackgo.InteractionCallback) {
	for _, act := range ic.ActionCallback.BlockActions {
		a.click(ctx, ic, act)
	}
	if ic.View.Type == slackgo.VTHomeTab {
		user := ic.User.ID
		a.later("home refresh", func(ctx context.Context) { a.publishHome(ctx, user) })
	}
}

func (a *Adapter) click(ctx context.Context, ic slackgo.InteractionCallback, act *slackgo.BlockAction) {
	id := act.ActionID
	if strings.HasPrefix(id, "collabbot.link:") {
		return // a URL button: Slack opened it
	}
	actor, refusal, err := a.actor(ctx, ic.User.ID)
	if err != nil {
		a.answerClick(ic, a.errorMessage(err))
		return
	}
	if refusal != "" {
		a.answerClick(ic, ours(refusal))
		return
	}
	channel := ic.Channel.ID
	if channel == "" {
		channel = ic.Container.ChannelID
	}
	switch {
	case strings.HasPrefix(id, pageAction):
		page, _ := strconv.Atoi(strings.TrimPrefix(id, pageAction))
		cmd, err := grammar.Parse(act.Value, a.app.Now(), a.app.Location())
		if err == nil && !pageable[cmd.Name] {
			err = domain.Invalidf("command", "Only lists page; type the command again.")
		}
		var c present.Card
		if err == nil {
			c, err = a.in.Execute(ctx, actor, cmd)
		}
		if err != nil {
			a.answerClick(ic, a.errorMessage(err))
			return
		}
		m := ephemeral(c, page, act.Value)
		m.ReplaceOriginal = true
		a.answerClick(ic, m)
		return
	case strings.HasPrefix(id, openAction):
		kind := strings.TrimPrefix(id, openAction)
		f, ok := forms[kind]
		if !ok || kind == "reject" || kind == "ship" {
			return
		}
		a.openView(ctx, ic.TriggerID, f.view(prefill{}, meta{Channel: channel}, ""))
		return
	}
	if parsed, err := present.ParseAction(id); err == nil {
		switch parsed.Verb {
		case present.ActionReject:
			if err := actor.RequireManager("reject samples"); err != nil {
				a.answerClick(ic, a.errorMessage(err))
				return
			}
			// The trigger_id lasts 3 s: open a placeholder at once, then
			// check the request and put the form (or why not) in its place.
			id, m := parsed.ID, meta{Sample: parsed.ID, Channel: channel, ResponseURL: ic.ResponseURL}
			a.openSlow(ctx, ic.TriggerID, forms["reject"].title, func(ctx context.Context) (slackgo.ModalViewRequest, error) {
				if err := a.app.CheckDecidable(ctx, id); err != nil {
					return slackgo.ModalViewRequest{}, err
				}
				return forms["reject"].view(prefill{}, m, ""), nil
			})
			return
		case present.ActionShip:
			if err := actor.RequireTeam("mark samples shipped"); err != nil {
				a.answerClick(ic, a.errorMessage(err))
				return
			}
			a.openView(ctx, ic.TriggerID, forms["ship"].view(prefill{}, meta{Sample: parsed.ID, Channel: channel, ResponseURL: ic.ResponseURL}, ""))
			return
		}
	}
	c, err := a.in.Click(ctx, actor, id)
	if err != nil {
		a.answerClick(ic, a.errorMessage(err))
		return
	}
	a.answerClick(ic, ephemeral(c, 1, ""))
}

// answerClick tells the clicker the outcome, ephemerally, after the ack;
// the shared message itself changes through the outbox (chat.update).
func (a *Adapter) answerClick(ic slackgo.InteractionCallback, m *message) {
	url, channel, user := ic.ResponseURL, ic.Channel.ID, ic.User.ID
	a.later("click answer", func(ctx context.Context) {
		if url != "" {
			a.respond(ctx, url, m)
			return
		}
		a.tell(ctx, channel, user, m)
	})
}

// openView opens a modal while the trigger_id is fresh (3 s).
func (a *Adapter) openView(ctx context.Context, trigger string, v slackgo.ModalViewRequest) {
	if _, err := a.api.OpenViewContext(ctx, trigger, v); err != nil {
		a.log.Warn("slack: views.open failed", "view", v.CallbackID, "err", err)
	}
}

// openSlow opens a placeholder modal while the trigger_id is fresh, then
// replaces it (views.update with the placeholder's hash, so a view the
// person already changed is not overwritten) with what build makes, or
// with why it cannot be shown.
func (a *Adapter) openSlow(ctx context.Context, trigger, title string, build func(ctx context.Context) (slackgo.ModalViewRequest, error)) {
	placeholder := slackgo.ModalViewRequest{Type: slackgo.VTModal, Title: plain(title), Close: plain("Cancel"),
		Blocks: slackgo.Blocks{BlockSet: []slackgo.Block{slackgo.NewSectionBlock(mrkdwn(":hourglass_flowing_sand: One moment…"), nil, nil)}}}
	resp, err := a.api.OpenViewContext(ctx, trigger, placeholder)
	if err != nil {
		a.log.Warn("slack: views.open failed", "err", err)
		return
	}
	viewID, hash := resp.ID, resp.Hash
	a.later("modal", func(ctx context.Context) {
		v, err := build(ctx)
		if err != nil {
			c := a.errorCard(err)
			text := escape(c.Text)
			if c.Context != "" {
				text += "\n" + c.Context
			}
			v = slackgo.ModalViewRequest{Type: slackgo.VTModal, Title: plain(title), Close: plain("Close"),
				Blocks: slackgo.Blocks{BlockSet: []slackgo.Block{slackgo.NewSectionBlock(mrkdwn(text), nil, nil)}}}
		}
		if _, err := a.api.UpdateViewContext(ctx, v, "", hash, viewID); err != nil {
			a.log.Warn("slack: views.update failed", "err", err)
		}
	})
}

// maxOptions is Slack's cap on an external select's options.
const maxOptions = 100

// options serves the invite and plan modals' searchable selects from the
// roster and the catalog.
func (a *Adapter) options(ctx context.Context, ic slackgo.InteractionCallback) any {
	out := &slackgo.OptionsResponse{Options: []*slackgo.OptionBlockObject{}}
	actor, refusal, err := a.actor(ctx, ic.User.ID)
	if err != nil || refusal != "" {
		return out
	}
	q := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(ic.Value), "@"))
	switch ic.ActionID {
	case "creators":
		page, err := a.app.ListCreatorsPage(ctx, actor, "")
		if err != nil {
			a.logFail(err)
			return out
		}
		for _, c := range page.Creators {
			cr := c.Creator
			if q != "" && !strings.Contains(cr.Handle, q) && !strings.Contains(strings.ToLower(cr.Niche), q) {
				continue
			}
			desc := cr.Niche
			if cr.Followers > 0 {
				desc = strings.TrimSpace(desc + " · " + strconv.FormatInt(cr.Followers, 10) + " followers")
			}
			var d *slackgo.TextBlockObject
			if desc != "" {
				d = plain(clipRunes(desc, 75))
			}
			out.Options = append(out.Options, slackgo.NewOptionBlockObject(cr.Handle, plain(clipRunes("@"+cr.Handle, 75)), d))
			if len(out.Options) == maxOptions {
				break
			}
		}
	case "products":
		ps, err := a.app.ListProducts(ctx, actor)
		if err != nil {
			a.logFail(err)
			return out
		}
		for _, p := range ps {
			if q != "" && !strings.Contains(strings.ToLower(p.ID), q) && !strings.Contains(strings.ToLower(p.Title), q) {
				continue
			}
			out.Options = append(out.Options, slackgo.NewOptionBlockObject(p.ID, plain(clipRunes(p.ID+" "+p.Title, 75)), nil))
			if len(out.Options) == maxOptions {
				break
			}
		}
	}
	return out
}

func (a *Adapter) logFail(err error) {
	if domain.ErrorKind(err) == domain.KindInternal {
		a.log.Error("slack: lookup failed", "err", err)
	}
}
