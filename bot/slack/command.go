package slack

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

// ours is an ephemeral text we wrote ourselves (mentions and channel
// links stay live; nothing of a user's is in it).
func ours(s string) *message {
	return &message{ResponseType: slackgo.ResponseTypeEphemeral, Text: s, Blocks: []slackgo.Block{slackgo.NewSectionBlock(mrkdwn(s), nil, nil)}}
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte) {
	sc, err := slackgo.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	writeJSON(w, a.command(r.Context(), sc))
}

// modalVerbs open their form when the typed line is incomplete or wrong.
var modalVerbs = map[string]bool{"invite": true, "plan": true, "creator add": true, "product add": true, "reject": true}

// command answers a /collab line. The answer is the HTTP body (or the
// Socket Mode ack); nil opens a modal and says nothing.
func (a *Adapter) command(ctx context.Context, sc slackgo.SlashCommand) any {
	ctx = commands.ReadOnce(ctx) // the actor and what the line lists share one freshness check
	actor, refusal, err := a.actor(ctx, sc.UserID)
	if err != nil {
		return a.errorMessage(err)
	}
	if refusal != "" {
		return ours(refusal)
	}
	line := strings.TrimSpace(sc.Text)
	cmd, perr := grammar.Parse(line, a.app.Now(), a.app.Location())
	if perr != nil {
		if modalVerbs[cmd.Name] && sc.TriggerID != "" && domain.ErrorKind(perr) == domain.KindInvalid {
			if v, ok := a.prefilled(ctx, actor, cmd, perr, sc.ChannelID); ok {
				if _, err := a.api.OpenViewContext(ctx, sc.TriggerID, v); err == nil {
					return nil
				} else {
					a.log.Warn("slack: views.open failed", "err", err)
				}
			}
		}
		return a.errorMessage(perr)
	}
	if cmd.Name == "role" && !isUserID(cmd.Member) {
		// Slack sends a typed @name as text: the grammar would grant the
		// role to a "member" no one in Slack is.
		return ours(fmt.Sprintf("In Slack, name the member by mention or by member ID, like `/collab role U0123ABCD manager` (their profile → ⋯ → *Copy member ID*); %s is not a member ID.", escape(domain.QuoteInput(cmd.Member))))
	}
	if cmd.Name == "invite" {
		// The fan-out (and a draft's LLM calls) may outlast Slack's 3 s:
		// ack now, answer on response_url.
		a.later("invite", func(ctx context.Context) {
			c, err := a.in.Execute(ctx, actor, cmd)
			if err != nil {
				a.respond(ctx, sc.ResponseURL, a.errorMessage(err))
				return
			}
			a.respond(ctx, sc.ResponseURL, ephemeral(c, 1, ""))
		})
		return ours("Sending the invitations…")
	}
	c, err := a.in.Execute(ctx, actor, cmd)
	if err != nil {
		return a.errorMessage(err)
	}
	if !pageable[cmd.Name] {
		line = ""
	}
	return ephemeral(c, 1, line)
}

// pageable are the verbs that only read: their "Next page" button runs
// the line again, which must never repeat a change.
var pageable = map[string]bool{"help": true, "plans": true, "invitations": true, "samples": true, "creators": true, "products": true, "report": true, "history": true}

// isUserID reports whether s has the shape of a Slack user ID: U (or W on
// Enterprise Grid) and capitals, digits or _.
func isUserID(s string) bool {
	if len(s) < 2 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, r := range s[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
