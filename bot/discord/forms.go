package discord

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// formVerbs are the creator buttons that ask for input first (present's
// form kind); each opens a modal whose submit carries "form/" + the
// button's custom_id.
var formVerbs = map[string]bool{
	present.ActionDecline:       true,
	present.ActionRequestSample: true,
	present.ActionJoinPlan:      true,
	present.ActionSubmitContent: true,
}

const formPrefix = "form/"

// Modal limits.
const (
	maxModalTitle = 45
	maxInputLabel = 45
	maxHint       = 100
	maxInputValue = 4000
)

// The modals' input custom_ids.
const (
	inputReason  = "reason"
	inputProduct = "product"
	inputQty     = "qty"
	inputAddress = "address"
	inputNote    = "note"
	inputLink    = "link"
)

// ParseForm reads a modal's custom_id back into the action it completes;
// only the form verbs are accepted.
func ParseForm(customID string) (present.Action, error) {
	rest, ok := strings.CutPrefix(customID, formPrefix)
	bad := domain.Invalidf("custom_id", "Form must be like form/decline:12 (got %s)", domain.QuoteInput(customID))
	if !ok {
		return present.Action{}, bad
	}
	act, err := present.ParseAction(rest)
	if err != nil || !formVerbs[act.Verb] {
		return present.Action{}, bad
	}
	return act, nil
}

func formID(act present.Action) string { return formPrefix + present.FormatAction(act.Verb, act.ID) }

// openForm answers a form button with its modal, after the checks that
// would refuse the submit anyway (someone else's invitation, no samples).
func (b *Bot) openForm(ctx context.Context, i *discordgo.Interaction, actor domain.Actor, r present.Reader, act present.Action) *discordgo.InteractionResponse {
	switch act.Verb {
	case present.ActionDecline:
		if _, err := b.app.InvitationProductIDs(ctx, actor, act.ID); err != nil {
			return b.refuse(err, i, r)
		}
		return modal(act, fmt.Sprintf("Decline invitation I%d", act.ID),
			input(inputReason, "Why not? (optional, the team reads it)", discordgo.TextInputParagraph, "", "", false, domain.MaxNoteLength))
	case present.ActionSubmitContent:
		return modal(act, fmt.Sprintf("Content link for sample S%d", act.ID),
			input(inputLink, "Your TikTok video or LIVE link", discordgo.TextInputShort, "https://www.tiktok.com/@you/video/...", "", true, 600))
	}
	var f commands.SampleForm
	var err error
	if act.Verb == present.ActionRequestSample {
		f, err = b.app.SampleFormFor(ctx, actor, act.ID, 0)
	} else {
		f, err = b.app.SampleFormFor(ctx, actor, 0, act.ID)
	}
	if err != nil {
		return b.refuse(err, i, r)
	}
	product := ""
	if len(f.Products) == 1 {
		product = f.Products[0]
	}
	addrLabel := "Shipping address (asked once, kept)"
	if f.Address != "" {
		addrLabel = "Shipping address: confirm or correct"
	}
	// The offer's terms are on the card whose button opened this, and a
	// creator who misses a requirement was told before it opened; a modal
	// holds only inputs, so they are not repeated in an editable field.
	return modal(act, "Request a free sample",
		input(inputProduct, clip("Product: "+strings.Join(f.Products, ", "), maxInputLabel), discordgo.TextInputShort, clip(strings.Join(f.Products, ", "), maxHint), product, true, 64),
		input(inputQty, quantityLabel(f.Offer.PerCreator), discordgo.TextInputShort, "1", "1", true, 2),
		input(inputAddress, addrLabel, discordgo.TextInputParagraph, "Street, city, postal code, country", f.Address, true, domain.MaxAddressLength),
		input(inputNote, "A note for the team (optional)", discordgo.TextInputParagraph, "", "", false, domain.MaxNoteLength))
}

// quantityLabel says how many units the offer allows ("1 to 1" reads as a typo).
func quantityLabel(most int) string {
	if most <= 1 {
		return "Quantity (this offer gives 1)"
	}
	return fmt.Sprintf("Quantity (1 to %d)", most)
}

func modal(act present.Action, title string, inputs ...discordgo.TextInput) *discordgo.InteractionResponse {
	rows := make([]discordgo.MessageComponent, len(inputs))
	for n, in := range inputs {
		rows[n] = discordgo.ActionsRow{Components: []discordgo.MessageComponent{in}}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: formID(act), Title: clip(title, maxModalTitle), Components: rows}}
}

// input is one text field; Required is always set, since discordgo sends
// it even when false.
func input(id, label string, style discordgo.TextInputStyle, hint, value string, required bool, maxLen int) discordgo.TextInput {
	return discordgo.TextInput{CustomID: id, Label: clip(label, maxInputLabel), Style: style, Placeholder: clip(hint, maxHint),
		Value: clip(value, maxInputValue), Required: required, MaxLength: maxLen}
}

// FormValues reads a modal submit's text inputs by custom_id; anything
// but rows of text inputs is ignored, and each value is capped.
func FormValues(components []discordgo.MessageComponent) map[string]string {
	out := map[string]string{}
	var walk func(c discordgo.MessageComponent)
	walk = func(c discordgo.MessageComponent) {
		switch c := c.(type) {
		case *discordgo.ActionsRow:
			for _, x := range c.Components {
				walk(x)
			}
		case discordgo.ActionsRow:
			walk(&c)
		case *discordgo.TextInput:
			if c != nil && c.CustomID != "" {
				out[c.CustomID] = clip(c.Value, maxInputValue)
			}
		case discordgo.TextInput:
			walk(&c)
		}
	}
	for _, c := range components {
		walk(c)
	}
	return out
}

// modal answers a form's submit by calling its use case; a refusal is
// the modal's answer, shown to the creator alone.
func (b *Bot) modal(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	data := i.ModalSubmitData()
	act, err := ParseForm(data.CustomID)
	if err != nil {
		return b.replyErr(err, i)
	}
	actor, r, refused := b.creator(ctx, i)
	if refused != nil {
		return refused
	}
	v := FormValues(data.Components)
	switch act.Verb {
	case present.ActionDecline:
		inv, err := b.app.DeclineInvitation(ctx, actor, act.ID, strings.TrimSpace(v[inputReason]))
		if err != nil {
			return b.refuse(err, i, r)
		}
		return replyCard(present.Answered(inv))
	case present.ActionSubmitContent:
		s, err := b.app.SubmitContent(ctx, actor, act.ID, strings.TrimSpace(v[inputLink]))
		if err != nil {
			return b.refuse(err, i, r)
		}
		return replyCard(present.Sample(s, r))
	}
	in, err := sampleInput(act, v)
	if err != nil {
		return b.refuse(err, i, r)
	}
	s, err := b.app.RequestSample(ctx, actor, in)
	if err != nil {
		return b.refuse(err, i, r)
	}
	return replyCard(present.Requested(s, r))
}

// sampleInput reads the sample request modal.
func sampleInput(act present.Action, v map[string]string) (commands.SampleInput, error) {
	in := commands.SampleInput{ProductID: strings.TrimSpace(v[inputProduct]), Note: v[inputNote], Address: v[inputAddress]}
	if act.Verb == present.ActionRequestSample {
		in.InvitationID = act.ID
	} else {
		in.PlanID = act.ID
	}
	if q := strings.TrimSpace(v[inputQty]); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 {
			// 0 would read as "the default, 1" further in: what was typed is refused.
			return in, domain.Invalidf("quantity", "Quantity must be a whole number of at least 1 (got %s)", domain.QuoteInput(q))
		}
		in.Quantity = n
	}
	if strings.TrimSpace(in.Address) == "" {
		return in, domain.Invalidf("address", "Add your shipping address (street, city, postal code, country): a sample cannot ship without one.")
	}
	return in, nil
}
