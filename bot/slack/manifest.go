package slack

import (
	"strings"

	slackgo "github.com/slack-go/slack"
)

// Paths are the HTTP endpoints the app serves, by what Slack sends there.
const (
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
	PathOptions      = "/slack/options"
	PathEvents       = "/slack/events"
)

// BotScopes are the bot token scopes the adapter uses, each for a call it
// makes.
var BotScopes = []string{
	"commands",          // /collab
	"chat:write",        // chat.postMessage, chat.update, chat.postEphemeral
	"chat:write.public", // post to the team channels without joining first
	"im:write",          // conversations.open for a member's DM
	"im:history",        // conversations.history of a DM, to find a retried post
	"users:read",        // users.info: names and guests
	"channels:read",     // conversations.members of a public sellers' channel
	"groups:read",       // ... of a private one
	"channels:history",  // conversations.history, to find a retried post
	"groups:history",
	"files:write", // the weekly digest's chart
}

// BotEvents are the events the adapter subscribes to.
var BotEvents = []string{"app_home_opened", "member_joined_channel", "member_left_channel"}

// CommandName is the one slash command.
const CommandName = "/collab"

// commandHint is /collab's usage hint: its subcommands.
const commandHint = "help | invite | plan | plans | invitations | samples | creators | creator add|set | products | product add|set | approve | reject | ship | extend | cancel | withdraw | rate | report | history | role"

// Manifest is the app's manifest for a service at baseURL (https://host);
// in Socket Mode it names no URL, since Slack reaches the app over the
// socket.
func Manifest(baseURL string, socketMode bool) slackgo.Manifest {
	base := strings.TrimRight(baseURL, "/")
	url := func(p string) string {
		if socketMode {
			return ""
		}
		return base + p
	}
	return slackgo.Manifest{
		Metadata: slackgo.ManifestMetadata{MajorVersion: 1, MinorVersion: 1},
		Display: slackgo.Display{
			Name:            "collabbot",
			Description:     "Run TikTok Shop affiliate collaborations from Slack",
			LongDescription: "collabbot keeps the seller team's creator roster and product catalog, sends targeted invitations and open plans to creators on Discord, and posts free-sample requests for managers to approve with a click. Type /collab help to begin.",
			BackgroundColor: "#1d3557",
		},
		Features: slackgo.Features{
			AppHome: slackgo.AppHome{HomeTabEnabled: true, MessagesTabEnabled: true, MessagesTabReadOnlyEnabled: true},
			BotUser: slackgo.BotUser{DisplayName: "collabbot", AlwaysOnline: true},
			SlashCommands: []slackgo.ManifestSlashCommand{{
				Command: CommandName, Description: "Creators, products, invitations, plans and samples", UsageHint: commandHint, Url: url(PathCommands),
			}},
		},
		OAuthConfig: slackgo.OAuthConfig{Scopes: slackgo.OAuthScopes{Bot: append([]string(nil), BotScopes...)}},
		Settings: slackgo.Settings{
			EventSubscriptions: &slackgo.EventSubscriptions{RequestUrl: url(PathEvents), BotEvents: append([]string(nil), BotEvents...)},
			Interactivity:      &slackgo.Interactivity{IsEnabled: true, RequestUrl: url(PathInteractions), MessageMenuOptionsUrl: url(PathOptions)},
			SocketModeEnabled:  socketMode,
		},
	}
}
