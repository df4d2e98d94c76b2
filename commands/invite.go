package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Drafting bounds: an LLM call per creator, a few at a time, all within
// one deadline, so 50 creators cost about one slow call, not fifty; a
// creator whose draft is late or fails gets the template.
const (
	draftTimeout     = 20 * time.Second
	draftConcurrency = 4
)

// InvitationView is an invitation with what people need to read it.
type InvitationView struct {
	domain.Invitation
	Creator       domain.Creator
	Collaboration domain.Collaboration
}

// Skip is a creator left out of an invitation round, and why.
type Skip struct {
	Handle string
	Reason string
}

// NamesCreator reports whether Reason already begins with the handle
// ("@x2 has no Discord account linked"), so it is not said twice.
func (s Skip) NamesCreator() bool { return strings.HasPrefix(s.Reason, s.Handle+" ") }

// InviteResult is what InviteCreators did.
type InviteResult struct {
	Collaboration domain.Collaboration
	Invitations   []InvitationView
	Skipped       []Skip
	// Notes point at what will disappoint a creator later: a sample they do
	// not qualify for, a product without sample stock.
	Notes []string
}

// InviteCreators runs a targeted collaboration: one invitation per creator,
// each with its own rate, sent as a Discord DM through the outbox. Creators
// who cannot be messaged (no Discord, blocked DMs, five unanswered messages,
// already invited to one of these products) are skipped with the reason;
// bad input changes nothing.
func (a *App) InviteCreators(ctx context.Context, actor domain.Actor, req InviteRequest) (InviteResult, error) {
	var res InviteResult
	if err := actor.RequireTeam("invite creators"); err != nil {
		return res, err
	}
	now := a.now()
	// Every problem of the request is reported in one answer, so a form
	// shows each on its field.
	var problems domain.Problems
	targets, collab := prepareInvite(req, now, a.loc, &problems)
	collab.CreatedBy = actor.MemberID

	if problems.Err() != nil {
		// Bad input is reported whole (with what the roster and catalog
		// lack) without taking the write lock.
		return res, a.store.View(ctx, func(tx Tx) error {
			c, probs := collab, problems
			c.ProductIDs = slices.Clone(collab.ProductIDs)
			_, _, err := inviteFacts(ctx, tx, targets, &c, &probs)
			return err
		})
	}
	// The roster and catalog are read in the write transaction itself: a
	// read transaction of its own first, and the creators read again here,
	// cost more than the invitation's insert.
	err := a.store.Update(ctx, func(tx Tx) error {
		res = InviteResult{}
		c, probs := collab, problems
		c.ProductIDs = slices.Clone(collab.ProductIDs)
		creators, products, err := inviteFacts(ctx, tx, targets, &c, &probs)
		if err != nil {
			return err
		}
		if c.Sample != nil {
			offer := *collab.Sample
			c.Sample = &offer // InsertOffer sets its ID: each run starts unsaved
			if err := tx.InsertOffer(ctx, c.Sample); err != nil {
				return err
			}
		}
		if err := tx.InsertCollaboration(ctx, &c); err != nil {
			return err
		}
		res.Collaboration = c
		// Decide who can be messaged first: the weekly cap counts only the
		// invitations that will really go out.
		var eligible []int
		for i := range targets {
			cr := creators[i]
			if err := cr.CanBeMessaged(); err != nil {
				res.Skipped = append(res.Skipped, Skip{Handle: cr.At(), Reason: domain.ErrorMessage(err)})
				continue
			}
			if dup, err := alreadyInvited(ctx, tx, cr.ID, c); err != nil {
				return err
			} else if dup != "" {
				res.Skipped = append(res.Skipped, Skip{Handle: cr.At(), Reason: dup})
				continue
			}
			eligible = append(eligible, i)
		}
		if a.weeklyCap > 0 && len(eligible) > 0 {
			used, err := tx.TakeInviteQuota(ctx, domain.WeekStart(now, a.loc), len(eligible), a.weeklyCap)
			if domain.ErrorKind(err) == domain.KindConflict {
				next := a.dateIn(domain.WeekStart(now, a.loc).AddDate(0, 0, 7))
				if left := a.weeklyCap - used; left > 0 {
					return domain.Errorf(domain.KindConflict, "This week's invitation cap is %d and %d are used, so %d left: invite at most %d of these %d creators, or the rest from %s.", a.weeklyCap, used, left, left, len(eligible), next)
				}
				return domain.Errorf(domain.KindConflict, "This week's invitation cap of %d is used up (%d invitations this week). New invitations can go out from %s.", a.weeklyCap, used, next)
			}
			if err != nil {
				return err
			}
		}
		for _, i := range eligible {
			cr, t := creators[i], targets[i]
			inv := domain.Invitation{CollaborationID: c.ID, CreatorID: cr.ID, Rate: t.Rate, State: domain.InvitationPending, CreatedAt: now, ExpiresAt: c.ExpiresAt}
			if err := tx.InsertInvitation(ctx, &inv); err != nil {
				return err
			}
			if err := record(ctx, tx, now, actor, "invitation.sent", subject("invitation", inv.ID), "invited %s at %s", cr.At(), inv.Rate); err != nil {
				return err
			}
			text := inviteMessage(req, c, cr, products, t)
			if err := send(ctx, tx, now, out{to: toCreator(cr.ID), key: domain.Once(subject("invitation", inv.ID), "dm"), thread: subject("invitation", inv.ID), counts: true}, domain.Notice{Kind: domain.NoticeInvitation, Creator: &cr, Invitation: &inv, Collaboration: &c, Products: products, Text: text}); err != nil {
				return err
			}
			res.Invitations = append(res.Invitations, InvitationView{Invitation: inv, Creator: cr, Collaboration: c})
		}
		res.Notes = offerNotes(c.Sample, products, res.Invitations)
		if len(res.Invitations) == 0 {
			return domain.Errorf(domain.KindConflict, "No invitation was sent: %s", skipsText(res.Skipped))
		}
		return nil
	})
	return res, err
}

// offerNotes warns about a sample offer that cannot be honoured as sent.
func offerNotes(o *domain.SampleOffer, products []domain.Product, invs []InvitationView) []string {
	if o == nil {
		return nil
	}
	var notes []string
	for _, p := range products {
		if p.SampleStock == 0 {
			notes = append(notes, fmt.Sprintf("%s has no sample stock: sample requests for it will be refused until you restock it, like product set %s stock=20.", p.ID, p.ID))
		}
	}
	for _, v := range invs {
		if lacks := o.Requirements.Lacks(v.Creator); len(lacks) > 0 {
			notes = append(notes, fmt.Sprintf("%s does not qualify for the free sample, which needs %s.", v.Creator.At(), strings.Join(lacks, "; ")))
		}
	}
	return notes
}

// inviteFacts reads the creators and products a request names, recording
// those the roster or catalog lacks; any problem so far is the error.
func inviteFacts(ctx context.Context, tx Tx, targets []InviteTarget, collab *domain.Collaboration, problems *domain.Problems) ([]domain.Creator, []domain.Product, error) {
	var creators []domain.Creator
	var products []domain.Product
	err := func() error {
		for _, t := range targets {
			c, err := tx.CreatorByHandle(ctx, t.Handle)
			if domain.ErrorKind(err) == domain.KindNotFound {
				problems.Add(domain.Invalidf("creators", "@%s is not on the roster; add them with `creator add @%s ...` first", t.Handle, t.Handle))
				continue
			}
			if err != nil {
				return err
			}
			if !c.ArchivedAt.IsZero() {
				problems.Add(domain.Invalidf("creators", "%s is archived; bring them back with `creator restore %s` to invite them", c.At(), c.At()))
				continue
			}
			creators = append(creators, c)
		}
		for _, id := range collab.ProductIDs {
			if domain.ValidateProductID("products", id) != nil {
				continue // already reported
			}
			p, err := tx.Product(ctx, id)
			if domain.ErrorKind(err) == domain.KindNotFound {
				problems.Add(domain.Invalidf("products", "Product %s is not in the catalog; add it with `product add %s ...` first", id, id))
				continue
			}
			if err != nil {
				return err
			}
			if !p.ArchivedAt.IsZero() {
				problems.Add(domain.Invalidf("products", "Product %s is archived; bring it back with `product restore %s` to offer it", p.ID, p.ID))
				continue
			}
			products = append(products, p)
		}
		return nil
	}()
	if err != nil {
		return nil, nil, err
	}
	if err := problems.Err(); err != nil {
		return nil, nil, err
	}
	for i, p := range products {
		collab.ProductIDs[i] = p.ID // as the catalog spells it
	}
	return creators, products, nil
}

// CheckInvite reports every problem of a targeted collaboration that can be
// seen without the roster and catalog, worded as InviteCreators words them,
// so a parser or a form can show them before anything is sent.
func CheckInvite(req InviteRequest, now time.Time, loc *time.Location) error {
	var p domain.Problems
	prepareInvite(req, now.UTC().Truncate(time.Millisecond), loc, &p)
	return p.Err()
}

// prepareInvite normalizes a request into its targets and collaboration and
// records what is wrong with it.
func prepareInvite(req InviteRequest, now time.Time, loc *time.Location, problems *domain.Problems) ([]InviteTarget, domain.Collaboration) {
	if loc == nil {
		loc = time.UTC
	}
	targets := normalizeTargets(req, problems)
	collab := domain.Collaboration{
		Name: req.Name, Message: strings.TrimSpace(req.Message), ContactEmail: req.ContactEmail,
		ProductIDs: append([]string(nil), req.Products...), Sample: req.Sample, ExpiresAt: req.Expires,
		CreatedAt: now,
	}
	if collab.ExpiresAt.IsZero() {
		collab.ExpiresAt = endOfDay(now.AddDate(0, 0, domain.DefaultInviteDays), loc)
	}
	if collab.Sample != nil {
		s := *collab.Sample
		collab.Sample = &s
		if s.WindowStart.IsZero() {
			collab.Sample.WindowStart = now
		}
	}
	problems.Add(collab.Validate(now))
	invited := map[string]bool{}
	for _, t := range targets {
		invited[t.Handle] = true
	}
	for raw, m := range req.Messages {
		h, err := domain.NormalizeHandle("message", raw)
		switch {
		case err != nil:
			problems.Add(err)
		case !invited[h]:
			problems.Add(domain.Invalidf("message", "A message is written for @%s, who is not among the creators invited", h))
		case domain.TooLong(strings.TrimSpace(m), domain.MaxMessageLength):
			problems.Add(domain.Invalidf("message", "Message for @%s must be at most %d characters (got %d)", h, domain.MaxMessageLength, len([]rune(m))))
		}
	}
	if o := collab.Sample; o != nil && !o.WindowStart.Before(collab.ExpiresAt) && !problems.Has("expires") {
		problems.Add(domain.Invalidf("sample_window", "Samples must open before the invitation's answer date %s (sample-from is %s)", dateIn(collab.ExpiresAt, loc), dateIn(o.WindowStart, loc)))
	}
	return targets, collab
}

func normalizeTargets(req InviteRequest, p *domain.Problems) []InviteTarget {
	if n := len(req.Creators); n < 1 || n > domain.MaxInviteCreators {
		p.Add(domain.Invalidf("creators", "Creators: pick 1 to %d creators (got %d)", domain.MaxInviteCreators, n))
	}
	seen := map[string]bool{}
	out := make([]InviteTarget, 0, len(req.Creators))
	for _, t := range req.Creators {
		h, err := domain.NormalizeHandle("creators", t.Handle)
		if err != nil {
			p.Add(err)
			continue
		}
		if seen[h] {
			p.Add(domain.Invalidf("creators", "Creators: @%s is listed twice", h))
			continue
		}
		seen[h] = true
		r := t.Rate
		if r == 0 {
			r = req.Rate
		}
		if r == 0 {
			p.Add(domain.Invalidf("commission_rate", "Commission rate is missing for @%s: give a rate between 1%% and 80%%, like 15%%", h))
			continue
		}
		if err := r.Validate("commission_rate"); err != nil {
			if t.Rate != 0 { // the creator's own rate: say whose
				err = domain.Invalidf("commission_rate", "@%s: %s", h, domain.ErrorMessage(err))
			}
			p.Add(err)
			continue
		}
		out = append(out, InviteTarget{Handle: h, Rate: r})
	}
	return out
}

// alreadyInvited reports a pending invitation of the creator that covers
// one of these products: two live offers for one product would disagree.
func alreadyInvited(ctx context.Context, tx Tx, creatorID int64, c domain.Collaboration) (string, error) {
	open, err := tx.ListInvitations(ctx, InvitationFilter{CreatorID: creatorID, States: []domain.InvitationState{domain.InvitationPending}})
	if err != nil {
		return "", err
	}
	want := map[string]bool{}
	for _, p := range c.ProductIDs {
		want[p] = true
	}
	for _, inv := range open {
		if inv.CollaborationID == c.ID {
			continue
		}
		other, err := tx.Collaboration(ctx, inv.CollaborationID)
		if err != nil {
			return "", err
		}
		for _, p := range other.ProductIDs {
			if want[p] {
				return fmt.Sprintf("already has pending invitation %s for %s", inv.Ref(), p), nil
			}
		}
	}
	return "", nil
}

func skipsText(skips []Skip) string {
	parts := make([]string, len(skips))
	for i, s := range skips {
		parts[i] = s.Handle + ": " + s.Reason
		if s.NamesCreator() {
			parts[i] = s.Reason
		}
	}
	return strings.Join(parts, "; ")
}

func subject(kind string, id int64) string { return fmt.Sprintf("%s:%d", kind, id) }

func endOfDay(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 23, 59, 59, 0, loc).UTC()
}

// invitationTexts writes each creator's message, drafting in parallel.
// InvitationDraft is the message one creator would get, for the seller to
// read and edit before anything is sent.
type InvitationDraft struct {
	Creator domain.Creator
	Rate    domain.Rate
	Text    string
	// Drafted is true when the LLM wrote Text; otherwise it is the seller's
	// message or the template, and Why says why no draft was used.
	Drafted bool
	Why     string
}

// DraftInvitations writes one personalised message per creator of a
// request and sends nothing: the seller reads and edits them, then sends
// with InviteCreators and InviteRequest.Messages. Drafts are written a few
// at a time within one deadline, outside any transaction; a creator whose
// draft fails or is late gets the seller's message or the template.
func (a *App) DraftInvitations(ctx context.Context, actor domain.Actor, req InviteRequest) ([]InvitationDraft, error) {
	if err := actor.RequireTeam("draft invitations"); err != nil {
		return nil, err
	}
	var problems domain.Problems
	targets, collab := prepareInvite(req, a.now(), a.loc, &problems)
	var creators []domain.Creator
	var products []domain.Product
	err := a.store.View(ctx, func(tx Tx) error {
		c, probs := collab, problems
		c.ProductIDs = slices.Clone(collab.ProductIDs)
		var err error
		creators, products, err = inviteFacts(ctx, tx, targets, &c, &probs)
		collab = c
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]InvitationDraft, len(targets))
	for i, t := range targets {
		out[i] = InvitationDraft{Creator: creators[i], Rate: t.Rate, Text: inviteMessage(req, collab, creators[i], products, t)}
		if a.drafter == nil {
			out[i].Why = "LLM drafts are off: no OPENAI_* settings"
		}
	}
	if a.drafter == nil {
		return out, nil
	}
	dctx, cancel := context.WithTimeout(ctx, draftTimeout)
	defer cancel()
	sem := make(chan struct{}, draftConcurrency)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d := &out[i]
			if dctx.Err() != nil {
				d.Why = "the LLM took too long"
				return
			}
			text, err := a.drafter.DraftInvitation(dctx, DraftInput{Creator: d.Creator, Products: products, Rate: d.Rate, Sample: collab.Sample != nil, Contact: collab.ContactEmail})
			text = strings.TrimSpace(text)
			switch {
			case err != nil:
				a.log.Warn("invitation draft failed; using the template", "creator", d.Creator.At(), "err", err)
				d.Why = "the LLM could not write one"
			case text == "" || domain.TooLong(text, domain.MaxMessageLength):
				d.Why = "the LLM's draft was empty or too long"
			default:
				d.Text, d.Drafted = text, true
			}
		}()
	}
	wg.Wait()
	return out, nil
}

// inviteMessage is what a creator is sent: the seller's words for them, the
// seller's message for all, or the template.
func inviteMessage(req InviteRequest, c domain.Collaboration, cr domain.Creator, products []domain.Product, t InviteTarget) string {
	for raw, m := range req.Messages {
		// Keys are handles as typed ("@Maya_Glow"); prepareInvite checked them.
		if h, err := domain.NormalizeHandle("message", raw); err == nil && h == cr.Handle && strings.TrimSpace(m) != "" {
			return strings.TrimSpace(m)
		}
	}
	if c.Message != "" {
		return c.Message
	}
	return templateText(cr, products, t.Rate, c.Sample != nil)
}

func templateText(cr domain.Creator, products []domain.Product, rate domain.Rate, sample bool) string {
	names := make([]string, len(products))
	for i, p := range products {
		names[i] = p.Title
	}
	what := joinOr(names, "our products")
	if len(names) > 3 {
		what = strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	s := fmt.Sprintf("Hi %s! We love your content and would like to work with you on %s. You would earn %s commission on every sale you bring.", cr.At(), what, rate)
	if sample {
		s += " We can send you a free sample to try first."
	}
	return s
}

// loadInvitation reads an invitation with its creator and collaboration.
func loadInvitation(ctx context.Context, tx Tx, id int64) (InvitationView, error) {
	inv, err := tx.Invitation(ctx, id)
	if err != nil {
		return InvitationView{}, err
	}
	cr, err := tx.Creator(ctx, inv.CreatorID)
	if err != nil {
		return InvitationView{}, err
	}
	c, err := tx.Collaboration(ctx, inv.CollaborationID)
	if err != nil {
		return InvitationView{}, err
	}
	return InvitationView{Invitation: inv, Creator: cr, Collaboration: c}, nil
}

// ownInvitation refuses creators acting on someone else's invitation.
func ownInvitation(actor domain.Actor, v InvitationView) error {
	if actor.Role == domain.RoleCreator && v.CreatorID != actor.CreatorID {
		return domain.Errorf(domain.KindForbidden, "Invitation %s is not yours.", v.Ref())
	}
	return nil
}

// AcceptInvitation is a creator's yes. Accepting again returns the
// invitation unchanged: a double click is not an error.
func (a *App) AcceptInvitation(ctx context.Context, actor domain.Actor, id int64) (InvitationView, error) {
	return a.answer(ctx, actor, id, domain.InvitationAccepted, "")
}

// DeclineInvitation is a creator's no, with an optional reason.
func (a *App) DeclineInvitation(ctx context.Context, actor domain.Actor, id int64, reason string) (InvitationView, error) {
	return a.answer(ctx, actor, id, domain.InvitationDeclined, reason)
}

func (a *App) answer(ctx context.Context, actor domain.Actor, id int64, to domain.InvitationState, reason string) (InvitationView, error) {
	var v InvitationView
	verb := map[domain.InvitationState]string{domain.InvitationAccepted: "accept", domain.InvitationDeclined: "decline"}[to]
	if err := actor.RequireCreator(verb + " invitations"); err != nil {
		return v, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if v, err = loadInvitation(ctx, tx, id); err != nil {
			return err
		}
		if err := ownInvitation(actor, v); err != nil {
			return err
		}
		v.SettleRate(now) // a cut that took effect is the rate they accept
		if v.State == to {
			return nil
		}
		if v.State == domain.InvitationPending && !now.Before(v.ExpiresAt) {
			return domain.Errorf(domain.KindConflict, "Invitation %s expired on %s.", v.Ref(), a.dateIn(v.ExpiresAt))
		}
		if to == domain.InvitationDeclined {
			err = v.Decline(reason, now)
		} else {
			err = v.To(to, now)
		}
		if err != nil {
			return err
		}
		if err := tx.UpdateInvitation(ctx, v.Invitation); err != nil {
			return err
		}
		if err := answered(ctx, tx, v.CreatorID); err != nil {
			return err
		}
		if err := withdrawReminders(ctx, tx, subject("invitation", v.ID), "nudge#"); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s invitation %s at %s", v.Creator.At(), to, v.Ref(), v.Rate)
		if v.DeclineReason != "" {
			detail += ": " + v.DeclineReason
		}
		if err := record(ctx, tx, now, actor, "invitation."+string(to), subject("invitation", v.ID), "%s", detail); err != nil {
			return err
		}
		if err := a.updateInvitationDM(ctx, tx, now, v); err != nil {
			return err
		}
		var note []string
		if to == domain.InvitationDeclined {
			if note, err = a.closeInvitationSamples(ctx, tx, now, actor, v, domain.Closure{Event: "invitation.declined", Ref: v.Ref()}); err != nil {
				return err
			}
		}
		return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), key: domain.Once(subject("invitation", v.ID), string(to)), thread: subject("invitation", v.ID)}, domain.Notice{Kind: domain.NoticeInvitationAnswered, Creator: &v.Creator, Invitation: &v.Invitation, Collaboration: &v.Collaboration, Refs: note})
	})
	return v, err
}

// closeInvitationSamples cancels the requests still waiting for a decision
// through an invitation that closed, and lists the approved samples not
// shipped yet for the sellers: those are the team's call.
func (a *App) closeInvitationSamples(ctx context.Context, tx Tx, now time.Time, actor domain.Actor, v InvitationView, why domain.Closure) ([]string, error) {
	if err := a.cancelUndecided(ctx, tx, now, actor, SampleFilter{InvitationID: v.ID}, why); err != nil {
		return nil, err
	}
	approved, err := tx.ListSamples(ctx, SampleFilter{InvitationID: v.ID, States: []domain.SampleState{domain.SampleApproved}})
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, s := range approved {
		refs = append(refs, s.Ref())
	}
	return refs, nil
}

// updateInvitationDM replaces the creator's invitation message so its
// buttons match the new state.
func (a *App) updateInvitationDM(ctx context.Context, tx Tx, now time.Time, v InvitationView) error {
	products := make([]domain.Product, 0, len(v.Collaboration.ProductIDs))
	for _, id := range v.Collaboration.ProductIDs {
		p, err := tx.Product(ctx, id)
		if err != nil {
			return err
		}
		products = append(products, p)
	}
	return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("invitation", v.ID), "dm").Edit(string(v.State), 0), thread: subject("invitation", v.ID), replaces: domain.Once(subject("invitation", v.ID), "dm")}, domain.Notice{Kind: domain.NoticeInvitationStatus, Creator: &v.Creator, Invitation: &v.Invitation, Collaboration: &v.Collaboration, Products: products})
}

// WithdrawInvitation takes back a pending invitation.
func (a *App) WithdrawInvitation(ctx context.Context, actor domain.Actor, id int64) (InvitationView, error) {
	var v InvitationView
	if err := actor.RequireTeam("withdraw invitations"); err != nil {
		return v, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if v, err = loadInvitation(ctx, tx, id); err != nil {
			return err
		}
		if v.State == domain.InvitationWithdrawn {
			return nil
		}
		if err := v.To(domain.InvitationWithdrawn, now); err != nil {
			return err
		}
		if err := tx.UpdateInvitation(ctx, v.Invitation); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "invitation.withdrawn", subject("invitation", v.ID), "withdrew %s's invitation", v.Creator.At()); err != nil {
			return err
		}
		if err := a.cancelUndecided(ctx, tx, now, actor, SampleFilter{InvitationID: v.ID}, domain.Closure{Event: "invitation.withdrawn", Ref: v.Ref()}); err != nil {
			return err
		}
		// A withdrawn invitation no longer waits for an answer: it must not
		// use up the creator's five unanswered messages for good.
		if v.Creator.Unanswered > 0 {
			if err := tx.AddUnanswered(ctx, v.CreatorID, -1); err != nil {
				return err
			}
		}
		return a.updateInvitationDM(ctx, tx, now, v)
	})
	return v, err
}

// ChangeInvitationRate changes one creator's commission: a raise applies at
// once, a cut from 00:00 the next day in the team's zone; the creator is told.
func (a *App) ChangeInvitationRate(ctx context.Context, actor domain.Actor, id int64, rate domain.Rate) (InvitationView, bool, error) {
	var v InvitationView
	var immediate bool
	if err := actor.RequireTeam("change commission rates"); err != nil {
		return v, false, err
	}
	if err := rate.Validate("commission_rate"); err != nil {
		return v, false, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		immediate = false // fn may run again
		var err error
		if v, err = loadInvitation(ctx, tx, id); err != nil {
			return err
		}
		if v.State == domain.InvitationPending && !now.Before(v.ExpiresAt) {
			return domain.Errorf(domain.KindConflict, "Invitation %s expired on %s; its rate can no longer change.", v.Ref(), a.dateIn(v.ExpiresAt))
		}
		old := v.EffectiveRate(now)
		if rate == old && v.PendingRate == 0 {
			return domain.Errorf(domain.KindConflict, "Invitation %s is already at %s; nothing changed.", v.Ref(), rate)
		}
		v.SettleRate(now)
		if rate == v.PendingRate {
			return domain.Errorf(domain.KindConflict, "Invitation %s already drops to %s on %s; nothing changed.", v.Ref(), rate, a.dateIn(v.PendingFrom))
		}
		if immediate, err = v.ChangeRate(rate, now, a.loc); err != nil {
			return err
		}
		if err := tx.UpdateInvitation(ctx, v.Invitation); err != nil {
			return err
		}
		when := "now"
		if !immediate {
			when = "from " + a.dateIn(v.PendingFrom)
		}
		if err := record(ctx, tx, now, actor, "invitation.rate", subject("invitation", v.ID), "rate %s -> %s %s", old, rate, when); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toCreator(v.CreatorID), change: "rate", thread: subject("invitation", v.ID)}, domain.Notice{Kind: domain.NoticeRateChanged, Creator: &v.Creator, Invitation: &v.Invitation, Collaboration: &v.Collaboration, OldRate: old})
	})
	return v, immediate, err
}

// ListLimit is how many rows a list shows; the rest are counted, and the
// export has them all.
const ListLimit = 200

// InvitationPage is one page of a list of invitations and how many more
// the filter selects beyond it.
type InvitationPage struct {
	Invitations []InvitationView
	More        int
}

// ListInvitations lists invitations: the team sees all, a creator their own.
func (a *App) ListInvitations(ctx context.Context, actor domain.Actor, handle string, state domain.InvitationState) ([]InvitationView, error) {
	p, err := a.ListInvitationsPage(ctx, actor, handle, state)
	return p.Invitations, err
}

// ListInvitationsPage is ListInvitations with how many more there are:
// the newest ListLimit invitations, read in one query, and a count.
func (a *App) ListInvitationsPage(ctx context.Context, actor domain.Actor, handle string, state domain.InvitationState) (InvitationPage, error) {
	var p InvitationPage
	f := InvitationFilter{Limit: ListLimit}
	if state != "" {
		f.States = []domain.InvitationState{state}
	}
	err := a.store.View(ctx, func(tx Tx) error {
		p = InvitationPage{}
		var err error
		if f.CreatorID, err = listedCreator(ctx, tx, actor, handle, "invitations"); err != nil {
			return err
		}
		if err := tx.InvitationViews(ctx, f, func(v InvitationView) error {
			p.Invitations = append(p.Invitations, v)
			return nil
		}); err != nil {
			return err
		}
		if len(p.Invitations) < ListLimit {
			return nil
		}
		total, err := tx.CountInvitations(ctx, f)
		p.More = max(total-len(p.Invitations), 0)
		return err
	})
	return p, err
}

// listedCreator is whose things a list shows: a creator only ever their
// own, the team everyone's or, given a handle, that creator's (0: all).
func listedCreator(ctx context.Context, tx Tx, actor domain.Actor, handle, what string) (int64, error) {
	switch {
	case actor.Role == domain.RoleCreator && handle != "":
		// A creator sees only their own list; naming someone else must not
		// quietly show their own as if it were the other's.
		me, err := tx.Creator(ctx, actor.CreatorID)
		if err != nil {
			return 0, err
		}
		if h, _ := domain.NormalizeHandle("creator", handle); h != me.Handle {
			return 0, domain.Errorf(domain.KindForbidden, "Listing another creator's %s is for the seller team; type %s alone to see yours.", what, what)
		}
		return actor.CreatorID, nil
	case actor.Role == domain.RoleCreator:
		return actor.CreatorID, nil
	case !actor.IsTeam():
		return 0, domain.Errorf(domain.KindForbidden, "Only the seller team and creators can list %s.", what)
	case handle == "":
		return 0, nil
	}
	h, err := domain.NormalizeHandle("creator", handle)
	if err != nil {
		return 0, err
	}
	c, err := tx.CreatorByHandle(ctx, h)
	return c.ID, err
}
