package present

import (
	"fmt"
	"strings"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// linkCard is a link request in the sellers' channel: who claims which
// handle, what the roster says, and Confirm / Reject while it waits.
func linkCard(n domain.Notice, r Reader) Card {
	l := domain.LinkRequest{}
	if n.Link != nil {
		l = *n.Link
	}
	roster := "not on the roster: confirming adds @" + l.Handle
	if n.Creator != nil && n.Creator.ID != 0 {
		roster = n.Creator.At()
		if n.Creator.DiscordID != "" && n.Creator.DiscordID != l.DiscordID {
			roster += " (already linked to Discord user " + n.Creator.DiscordID + ")"
		}
	}
	c := Card{
		Title: fmt.Sprintf("Link request %s: Discord user %s claims @%s", l.Ref(), orDash(l.DiscordName), l.Handle),
		Fields: []Field{
			{Label: "Discord user", Value: fmt.Sprintf("%s (%s)", orDash(l.DiscordName), l.DiscordID)},
			{Label: "Roster entry", Value: roster},
			{Label: "Asked", Value: r.Time(l.RequestedAt)},
		},
	}
	switch l.State {
	case domain.LinkPending:
		c.Text = "Nothing is linked until someone on the team confirms. Check it is really them (ask on TikTok) first."
		c.Buttons = []Button{action("Confirm", ActionLinkConfirm, l.ID, "primary"), action("Reject", ActionLinkReject, l.ID, "danger")}
	case domain.LinkConfirmed:
		c.Text = fmt.Sprintf("Confirmed by %s: Discord user %s is @%s.", orDash(l.DeciderName), l.DiscordID, l.Handle)
	case domain.LinkRejected:
		c.Text = fmt.Sprintf("Rejected by %s: nothing was linked.", orDash(l.DeciderName))
	case domain.LinkRefused:
		c.Text = fmt.Sprintf("Refused at once: @%s is %s. If the claim is genuine, change the roster's discord ID (creator set @%s discord=...).", l.Handle, orDash(l.Why), l.Handle)
	}
	return c
}

// linkedCard tells the creator their account is linked.
func linkedCard(n domain.Notice) Card {
	h := ""
	if n.Link != nil {
		h = "@" + n.Link.Handle
	}
	if n.Creator != nil && n.Creator.Handle != "" {
		h = n.Creator.At()
	}
	return Card{Title: "Your Discord account is linked", Text: fmt.Sprintf("The seller team confirmed you are %s. Use /plans to see open plans, /invitations and /samples for yours.", h)}
}

// unreachable tells the sellers a creator's DM was refused, and what to do.
func unreachable(cr domain.Creator, why string) Card {
	advice := "Reach them another way, then ask them to allow DMs."
	if strings.Contains(why, domain.NoSharedServer) {
		advice = "Send them the team's Discord server invite: a bot can only DM people who share a server with it. Once they joined, run creator set " + cr.At() + " discord=" + orDash(cr.DiscordID) + " so new messages reach them (collabbot outbox retry ID resends a failed one)."
	}
	return Card{Title: "Creator cannot be reached", Text: fmt.Sprintf("%s cannot receive Discord DMs from the bot (%s). %s", cr.At(), why, advice)}
}

// LinkRequested answers the creator who typed /link.
func LinkRequested(v commands.LinkView) Card {
	if v.Again {
		return Text(fmt.Sprintf("You already asked to link @%s (%s); the seller team has not answered yet. You will get a DM when they do.", v.Link.Handle, v.Link.Ref()))
	}
	return Text(fmt.Sprintf("Thanks! Your request to link @%s (%s) went to the seller team. Nothing is linked until they confirm; you will get a DM here when they do.", v.Link.Handle, v.Link.Ref()))
}

// LinkDecided answers the member who confirmed or rejected a claim.
func LinkDecided(v commands.LinkView) Card {
	l := v.Link
	if l.State == domain.LinkConfirmed {
		return Text(fmt.Sprintf("Linked: Discord user %s (%s) is now @%s. They were told by DM.", orDash(l.DiscordName), l.DiscordID, l.Handle))
	}
	return Text(fmt.Sprintf("Link request %s rejected: nothing was linked to @%s.", l.Ref(), l.Handle))
}
