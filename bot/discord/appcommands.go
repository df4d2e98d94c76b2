package discord

import (
	"github.com/bwmarrin/discordgo"
)

// ApplicationCommands are the slash commands collabbot registers
// (collabbot discord-register). They work in DMs with the bot and in the
// team's server; answers are ephemeral either way.
func ApplicationCommands() []*discordgo.ApplicationCommand {
	dm := true
	return []*discordgo.ApplicationCommand{
		{Name: "plans", Description: "Open plans you can join, with each product's commission rate", DMPermission: &dm},
		{Name: "invitations", Description: "Your invitations and what they offer", DMPermission: &dm},
		{Name: "samples", Description: "Your free sample requests, what is due and when", DMPermission: &dm},
		{Name: "link", Description: "Link your Discord account to your TikTok handle (the seller team confirms)", DMPermission: &dm,
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "handle", Description: "Your TikTok handle, like maya_glow",
				Required: true, MinLength: intPtr(2), MaxLength: 25,
			}}},
	}
}

func intPtr(n int) *int { return &n }
