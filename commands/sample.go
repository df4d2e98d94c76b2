package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// SampleView is a sample request with its creator and product.
type SampleView struct {
	domain.SampleRequest
	Creator domain.Creator
	Product domain.Product
	Source  string // "plan PL2 \"Spring\"" or "invitation I4"
}

// RequestSample is a creator asking for a free sample of one product,
// through an open plan or a targeted invitation. A request that fails a
// requirement is refused at once with the reason and stores nothing; one on
// an approval-exempt offer is approved at once.
func (a *App) RequestSample(ctx context.Context, actor domain.Actor, in SampleInput) (SampleView, error) {
	var v SampleView
	if err := actor.RequireCreator("request samples"); err != nil {
		return v, err
	}
	if err := domain.ValidateProductID("product", in.ProductID); err != nil {
		return v, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if domain.TooLong(in.Note, domain.MaxNoteLength) {
		return v, domain.Invalidf("note", "Note must be at most 500 characters")
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		cr, err := tx.Creator(ctx, actor.CreatorID)
		if err != nil {
			return err
		}
		if cr, err = keepAddress(ctx, tx, now, cr, in.Address); err != nil {
			return err
		}
		prod, err := tx.Product(ctx, in.ProductID)
		if err != nil {
			return err
		}
		if !prod.ArchivedAt.IsZero() {
			return domain.Errorf(domain.KindConflict, "Product %s is no longer offered, so it has no free samples.", prod.ID)
		}
		src, err := a.sampleSource(ctx, tx, cr, prod, in, now)
		if err != nil {
			return err
		}
		qty := in.Quantity
		if qty == 0 {
			qty = 1 // as help says: the offer's maximum is a cap, not a default
		}
		if qty < 1 || qty > src.offer.PerCreator {
			if src.offer.PerCreator == 1 {
				return domain.Invalidf("quantity", "Quantity must be 1 for this offer (got %d)", qty)
			}
			return domain.Invalidf("quantity", "Quantity must be from 1 to %d for this offer (got %d)", src.offer.PerCreator, qty)
		}
		earlier, err := tx.ListSamples(ctx, SampleFilter{CreatorID: cr.ID, ProductID: prod.ID})
		if err != nil {
			return err
		}
		if err := domain.CanRequestAgain(earlier, now); err != nil {
			return err
		}
		if got := receivedFromOffer(earlier, src.offer.ID); got+qty > src.offer.PerCreator {
			return domain.Errorf(domain.KindConflict, "This offer gives at most %s of %s per creator and you already received %d.", plural(src.offer.PerCreator, "unit", "units"), prod.ID, got)
		}
		if err := src.offer.Check(cr, now); err != nil {
			return err
		}
		switch {
		case prod.SampleStock == 0:
			return domain.Errorf(domain.KindConflict, "Sorry, %s %s has no free samples left.", prod.ID, prod.Title)
		case prod.SampleStock < qty:
			return domain.Invalidf("quantity", "Only %d free samples of %s %s are left; ask for qty=%d or fewer", prod.SampleStock, prod.ID, prod.Title, prod.SampleStock)
		}
		s := domain.SampleRequest{
			CreatorID: cr.ID, ProductID: prod.ID, OfferID: src.offer.ID, PlanID: src.planID, InvitationID: src.invitationID,
			Quantity: qty, State: domain.SampleRequested, Note: in.Note, RequestedAt: now,
			PostWithinDays: src.offer.Requirements.PostWithinDays,
		}
		if err := tx.InsertSample(ctx, &s); err != nil {
			return err
		}
		v = SampleView{SampleRequest: s, Creator: cr, Product: prod, Source: src.label}
		if err := answered(ctx, tx, cr.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "sample.requested", subject("sample", s.ID), "%s asked for %d x %s via %s", cr.At(), qty, prod.ID, src.label); err != nil {
			return err
		}
		if src.offer.ApprovalExempt {
			if err := tx.ReserveStock(ctx, prod.ID, s.OfferID, qty); err != nil {
				return err
			}
			if err := v.Approve(domain.AutoApprover, now); err != nil {
				return err
			}
			if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
				return err
			}
			if err := record(ctx, tx, now, domain.System, "sample.approved", subject("sample", s.ID), "approved at once: the offer needs no approval"); err != nil {
				return err
			}
			if err := a.postSampleCard(ctx, tx, now, v, "approved:auto"); err != nil {
				return err
			}
			return send(ctx, tx, now, out{to: toCreator(cr.ID), key: domain.Once(subject("sample", s.ID), "approved"), thread: subject("sample", s.ID)}, sampleNotice(domain.NoticeSampleApproved, v))
		}
		if err := a.postSampleCard(ctx, tx, now, v, "requested"); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toCreator(cr.ID), key: domain.Once(subject("sample", s.ID), "received"), thread: subject("sample", s.ID)}, sampleNotice(domain.NoticeSampleReceived, v))
	})
	return v, err
}

// receivedFromOffer counts the units a creator was granted from one offer:
// the per-creator quantity is a total, not a cap per request.
func receivedFromOffer(earlier []domain.SampleRequest, offerID int64) int {
	n := 0
	for _, e := range earlier {
		switch e.State {
		case domain.SampleApproved, domain.SampleShipped, domain.SampleOverdue, domain.SampleCompleted:
			if e.OfferID == offerID {
				n += e.Quantity
			}
		}
	}
	return n
}

type sampleSource struct {
	offer        domain.SampleOffer
	planID       int64
	invitationID int64
	label        string
}

// sampleSource finds the offer a request draws on: the plan or invitation
// named, else the creator's own invitation for the product, else the one
// live plan offering it.
func (a *App) sampleSource(ctx context.Context, tx Tx, cr domain.Creator, prod domain.Product, in SampleInput, now time.Time) (sampleSource, error) {
	noSample := domain.Errorf(domain.KindNotFound, "No free sample of %s is offered to you right now. See /plans for plans with samples.", prod.ID)
	fromInvitation := func(id int64) (sampleSource, error) {
		v, err := loadInvitation(ctx, tx, id)
		if err != nil {
			return sampleSource{}, err
		}
		if v.CreatorID != cr.ID {
			return sampleSource{}, domain.Errorf(domain.KindForbidden, "Invitation %s is not yours.", v.Ref())
		}
		if v.State != domain.InvitationPending && v.State != domain.InvitationAccepted {
			return sampleSource{}, domain.Errorf(domain.KindConflict, "Invitation %s is %s; samples come with pending or accepted invitations.", v.Ref(), v.State)
		}
		if !now.Before(v.Collaboration.ExpiresAt) {
			// The collaboration's end date closes its sample offer too, as
			// a target collaboration's end_time does in TikTok Shop.
			return sampleSource{}, domain.Errorf(domain.KindConflict, "Invitation %s ended on %s; its free samples ended with it.", v.Ref(), a.dateIn(v.Collaboration.ExpiresAt))
		}
		if v.Collaboration.Sample == nil {
			return sampleSource{}, domain.Errorf(domain.KindNotFound, "Invitation %s does not offer a free sample.", v.Ref())
		}
		if !contains(v.Collaboration.ProductIDs, prod.ID) {
			return sampleSource{}, domain.Invalidf("product", "Invitation %s covers %s, not %s", v.Ref(), strings.Join(v.Collaboration.ProductIDs, ", "), prod.ID)
		}
		o, err := tx.Offer(ctx, v.Collaboration.Sample.ID)
		return sampleSource{offer: o, invitationID: v.ID, label: "invitation " + v.Ref()}, err
	}
	fromPlan := func(p domain.Plan) (sampleSource, error) {
		if !p.Live(now) {
			if p.State == domain.PlanActive && now.Before(p.StartsAt) {
				return sampleSource{}, domain.Errorf(domain.KindConflict, "Plan %s opens on %s.", p.Ref(), a.dateIn(p.StartsAt))
			}
			if !p.EndsAt.IsZero() && !now.Before(p.EndsAt) {
				return sampleSource{}, domain.Errorf(domain.KindConflict, "Plan %s ended on %s.", p.Ref(), a.dateIn(p.EndsAt.Add(-time.Millisecond)))
			}
			return sampleSource{}, domain.Errorf(domain.KindConflict, "Plan %s is not open right now (%s).", p.Ref(), p.State)
		}
		if p.Sample == nil {
			return sampleSource{}, domain.Errorf(domain.KindNotFound, "Plan %s does not offer free samples.", p.Ref())
		}
		if _, ok := p.RateFor(prod); !ok {
			return sampleSource{}, domain.Invalidf("product", "Plan %s does not cover %s", p.Ref(), prod.ID)
		}
		o, err := tx.Offer(ctx, p.Sample.ID)
		return sampleSource{offer: o, planID: p.ID, label: fmt.Sprintf("plan %s %q", p.Ref(), p.Name)}, err
	}
	switch {
	case in.InvitationID != 0:
		return fromInvitation(in.InvitationID)
	case in.PlanID != 0:
		p, err := tx.Plan(ctx, in.PlanID)
		if err != nil {
			return sampleSource{}, err
		}
		return fromPlan(p)
	}
	// Neither named: the first offer the creator qualifies for, their own
	// invitations before plans. One they do not qualify for is skipped, not
	// refused, while another would take them.
	var candidates []sampleSource
	invs, err := tx.ListInvitations(ctx, InvitationFilter{CreatorID: cr.ID, States: []domain.InvitationState{domain.InvitationAccepted, domain.InvitationPending}})
	if err != nil {
		return sampleSource{}, err
	}
	for _, inv := range invs {
		src, err := fromInvitation(inv.ID)
		if err == nil {
			candidates = append(candidates, src)
		} else if domain.ErrorKind(err) == domain.KindInternal {
			return sampleSource{}, err // a failure, not "this one offers nothing"
		}
	}
	plans, err := tx.ListPlans(ctx, domain.PlanActive)
	if err != nil {
		return sampleSource{}, err
	}
	for _, p := range plans {
		src, err := fromPlan(p)
		if err == nil {
			candidates = append(candidates, src)
		} else if domain.ErrorKind(err) == domain.KindInternal {
			return sampleSource{}, err
		}
	}
	if len(candidates) == 0 {
		return sampleSource{}, noSample
	}
	var needs []string
	for _, src := range candidates {
		why := src.offer.Unmet(cr, now, a.dateIn)
		if len(why) == 0 {
			return src, nil
		}
		needs = append(needs, src.label+" needs "+strings.Join(why, " and "))
	}
	if len(candidates) == 1 {
		return candidates[0], nil // its own check refuses it with the reason
	}
	return sampleSource{}, domain.Errorf(domain.KindInvalid, "No free sample of %s fits you yet: %s.", prod.ID, strings.Join(needs, "; "))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// postSampleCard posts or updates the request's card in the approvals
// channel: the creator's track record, and buttons for what comes next.
func (a *App) postSampleCard(ctx context.Context, tx Tx, now time.Time, v SampleView, step string) error {
	card, err := creatorCard(ctx, tx, v.Creator)
	if err != nil {
		return err
	}
	n := sampleNotice(domain.NoticeSampleCard, v)
	n.Track = &domain.Track{Received: card.Received, Posted: card.Posted}
	if v.State == domain.SampleApproved {
		n.Address = v.Creator.Address // the team ships from this card
	}
	o := out{to: toChannel(domain.ChannelApprovals), key: domain.Once(subject("sample", v.ID), "card"), thread: subject("sample", v.ID)}
	if step != "requested" && step != "approved:auto" {
		// Every later step edits the card posted first.
		o.replaces, o.key, o.change = o.key, "", "card~"+step
	}
	return send(ctx, tx, now, o, n)
}

// sampleNotice states a sample request's facts as of now.
func sampleNotice(kind domain.NoticeKind, v SampleView) domain.Notice {
	return domain.Notice{Kind: kind, Creator: &v.Creator, Sample: &v.SampleRequest, Product: &v.Product, Source: v.Source}
}

// settleReceivedDM edits the creator's "request received" DM once the
// request moves on, so its Cancel button does not linger on a decided
// request. Only requests a manager had to decide got that DM.
func settleReceivedDM(ctx context.Context, tx Tx, now time.Time, v SampleView) error {
	if v.DecidedBy == domain.AutoApprover {
		return nil
	}
	received := domain.Once(subject("sample", v.ID), "received")
	return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: received.Edit(string(v.State), 0), thread: subject("sample", v.ID), replaces: received},
		sampleNotice(domain.NoticeSampleReceived, v))
}

func withText(n domain.Notice, text string) domain.Notice {
	n.Text = text
	return n
}

func withClosure(n domain.Notice, why domain.Closure) domain.Notice {
	n.Closed = &why
	return n
}

// prefixed wraps s when it is set: prefixed(" (", note, ")").
func prefixed(before, s, after string) string {
	if s == "" {
		return ""
	}
	return before + s + after
}

// loadSample reads a request with its creator, product, decider's name and
// plan in one read.
func loadSample(ctx context.Context, tx Tx, id int64) (SampleView, error) {
	row, err := tx.SampleRowByID(ctx, id)
	if err != nil {
		return SampleView{}, err
	}
	return sampleViewOf(row), nil
}

// changeSample runs fn on a sample request read inside one write
// transaction: the shape of every step on an existing request.
func (a *App) changeSample(ctx context.Context, id int64, fn func(tx Tx, v *SampleView, now time.Time) error) (SampleView, error) {
	var v SampleView
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if v, err = loadSample(ctx, tx, id); err != nil {
			return err
		}
		return fn(tx, &v, now)
	})
	return v, err
}

// ApproveSample is a manager's yes. Stock is reserved in the same
// transaction; a request someone else already decided is a conflict that
// names who decided.
func (a *App) ApproveSample(ctx context.Context, actor domain.Actor, id int64) (SampleView, error) {
	if err := actor.RequireManager("approve samples"); err != nil {
		return SampleView{}, err
	}
	return a.changeSample(ctx, id, func(tx Tx, v *SampleView, now time.Time) error {
		if v.State == domain.SampleApproved && v.DecidedBy == actor.MemberID {
			return nil // the same manager clicked twice: nothing more to do
		}
		if err := a.stillDecidable(*v, now); err != nil {
			return err
		}
		if err := v.Approve(actor.MemberID, now); err != nil {
			return err
		}
		v.DeciderName = actor.Display()
		if err := tx.ReserveStock(ctx, v.ProductID, v.OfferID, v.Quantity); err != nil {
			return err
		}
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "sample.approved", subject("sample", v.ID), "approved %s's %s", v.Creator.At(), v.ProductID); err != nil {
			return err
		}
		if err := a.postSampleCard(ctx, tx, now, *v, "approved"); err != nil {
			return err
		}
		if err := settleReceivedDM(ctx, tx, now, *v); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "approved"), thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeSampleApproved, *v))
	})
}

// stillDecidable refuses a decision on a request past its 7-day window even
// before the expiry job has marked it.
func (a *App) stillDecidable(v SampleView, now time.Time) error {
	if v.State == domain.SampleRequested && !now.Before(v.ExpiresAt()) {
		return domain.Errorf(domain.KindConflict, "Sample request %s expired on %s without a decision.", v.Ref(), a.dateIn(v.ExpiresAt()))
	}
	return nil
}

// RejectSample is a manager's no, with one of TikTok Shop's reasons.
func (a *App) RejectSample(ctx context.Context, actor domain.Actor, id int64, reason domain.RejectReason, note string) (SampleView, error) {
	if err := actor.RequireManager("reject samples"); err != nil {
		return SampleView{}, err
	}
	if _, err := domain.ParseRejectReason(string(reason)); err != nil {
		return SampleView{}, err
	}
	return a.changeSample(ctx, id, func(tx Tx, v *SampleView, now time.Time) error {
		if v.State == domain.SampleRejected && v.DecidedBy == actor.MemberID && v.RejectReason == reason {
			return nil // the same manager sent the same decision twice
		}
		if err := a.stillDecidable(*v, now); err != nil {
			return err
		}
		if err := v.Reject(actor.MemberID, reason, note, now); err != nil {
			return err
		}
		v.DeciderName = actor.Display()
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "sample.rejected", subject("sample", v.ID), "rejected %s's %s: %s%s", v.Creator.At(), v.ProductID, reason.Label(), prefixed(" (", v.RejectNote, ")")); err != nil {
			return err
		}
		if err := a.postSampleCard(ctx, tx, now, *v, "rejected"); err != nil {
			return err
		}
		why := reason.Label()
		switch {
		case reason == domain.RejectOther:
			why = v.RejectNote // "other" always carries the manager's words
		case v.RejectNote != "":
			why += " (" + v.RejectNote + ")"
		}
		text := fmt.Sprintf("Sorry, your request for %s %s was not approved: %s.", v.Product.ID, v.Product.Title, strings.TrimRight(why, "."))
		text += fmt.Sprintf(" You can ask again from %s.", a.dateIn(now.Add(domain.RetryAfterRejection)))
		if err := settleReceivedDM(ctx, tx, now, *v); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "rejected"), thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeSampleRejected, *v))
	})
}

// CancelSample withdraws a request (the creator's own, or any for the
// team) before it ships; an approved sample's stock goes back.
func (a *App) CancelSample(ctx context.Context, actor domain.Actor, id int64, reason string) (SampleView, error) {
	if !actor.IsTeam() && actor.Role != domain.RoleCreator {
		return SampleView{}, domain.Errorf(domain.KindForbidden, "Only the seller team or the requesting creator can cancel a sample request.")
	}
	reason = strings.TrimSpace(reason)
	if domain.TooLong(reason, domain.MaxNoteLength) {
		return SampleView{}, domain.Invalidf("reason", "Reason must be at most 500 characters")
	}
	return a.changeSample(ctx, id, func(tx Tx, v *SampleView, now time.Time) error {
		if actor.Role == domain.RoleCreator && v.CreatorID != actor.CreatorID {
			return domain.Errorf(domain.KindForbidden, "Sample request %s is not yours.", v.Ref())
		}
		if v.State == domain.SampleCancelled {
			return nil
		}
		if v.State == domain.SampleRequested && actor.Role == domain.RoleSeller {
			// Cancelling an undecided request would be a rejection without
			// the manager's decision or its 30-day rule.
			return domain.Errorf(domain.KindForbidden, "Sample request %s is waiting for a manager's decision; only a manager or the creator can cancel it now.", v.Ref())
		}
		wasApproved := v.State == domain.SampleApproved
		if err := v.To(domain.SampleCancelled); err != nil {
			return err
		}
		if wasApproved {
			if err := tx.ReleaseStock(ctx, v.ProductID, v.OfferID, v.Quantity); err != nil {
				return err
			}
		}
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s cancelled the request", actor.Display())
		if reason != "" {
			detail += ": " + reason
		}
		if err := record(ctx, tx, now, actor, "sample.cancelled", subject("sample", v.ID), "%s", detail); err != nil {
			return err
		}
		if err := a.postSampleCard(ctx, tx, now, *v, "cancelled"); err != nil {
			return err
		}
		if err := settleReceivedDM(ctx, tx, now, *v); err != nil {
			return err
		}
		if actor.Role == domain.RoleCreator {
			return nil
		}
		return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "cancelled"), thread: subject("sample", v.ID)}, withText(sampleNotice(domain.NoticeSampleCancelled, *v), reason))
	})
}

// cancelUndecided cancels the requests still waiting for a decision that
// came through a withdrawn invitation or an ended plan: nobody should approve
// a sample for an offer that is gone. Approved ones stay: the team committed.
func (a *App) cancelUndecided(ctx context.Context, tx Tx, now time.Time, actor domain.Actor, through SampleFilter, why domain.Closure) error {
	through.States = []domain.SampleState{domain.SampleRequested}
	open, err := tx.ListSamples(ctx, through)
	if err != nil {
		return err
	}
	for _, s := range open {
		v, err := loadSample(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		if err := v.To(domain.SampleCancelled); err != nil {
			return err
		}
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "sample.cancelled", subject("sample", v.ID), "cancelled: %s", why.String()); err != nil {
			return err
		}
		if err := a.postSampleCard(ctx, tx, now, v, "cancelled"); err != nil {
			return err
		}
		if err := settleReceivedDM(ctx, tx, now, v); err != nil {
			return err
		}
		if err := send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "cancelled"), thread: subject("sample", v.ID)}, withClosure(sampleNotice(domain.NoticeSampleCancelled, v), why)); err != nil {
			return err
		}
	}
	return nil
}

// ShipSample marks an approved sample shipped and starts the creator's
// posting deadline.
func (a *App) ShipSample(ctx context.Context, actor domain.Actor, id int64, tracking string) (SampleView, error) {
	if err := actor.RequireTeam("mark samples shipped"); err != nil {
		return SampleView{}, err
	}
	return a.changeSample(ctx, id, func(tx Tx, v *SampleView, now time.Time) error {
		if (v.State == domain.SampleShipped || v.State == domain.SampleOverdue) && v.Tracking == strings.TrimSpace(tracking) {
			return nil
		}
		if (v.State == domain.SampleShipped || v.State == domain.SampleOverdue) && strings.TrimSpace(tracking) != "" {
			return a.correctTracking(ctx, tx, now, actor, v, strings.TrimSpace(tracking))
		}
		if err := shippable(v.Creator); err != nil {
			return err
		}
		if err := v.Ship(tracking, now); err != nil {
			return err
		}
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "sample.shipped", subject("sample", v.ID), "shipped %s to %s%s", v.ProductID, v.Creator.At(), prefixed(" (tracking ", v.Tracking, ")")); err != nil {
			return err
		}
		if err := a.postSampleCard(ctx, tx, now, *v, "shipped"); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "shipped"), thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeSampleShipped, *v))
	})
}

// correctTracking records a new tracking number for a shipped sample (a
// typo, a re-shipment) and tells the creator; the deadline stays.
func (a *App) correctTracking(ctx context.Context, tx Tx, now time.Time, actor domain.Actor, v *SampleView, tracking string) error {
	if domain.TooLong(tracking, domain.MaxTrackingLength) {
		return domain.Invalidf("tracking", "Tracking number must be at most 100 characters")
	}
	v.Tracking = tracking
	if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
		return err
	}
	if err := record(ctx, tx, now, actor, "sample.tracking", subject("sample", v.ID), "tracking number now %s", tracking); err != nil {
		return err
	}
	return send(ctx, tx, now, out{to: toCreator(v.CreatorID), change: "tracking", thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeSampleTracking, *v))
}

// ExtendSample gives a due-soon or overdue sample one more week, once.
func (a *App) ExtendSample(ctx context.Context, actor domain.Actor, id int64) (SampleView, error) {
	if err := actor.RequireTeam("extend deadlines"); err != nil {
		return SampleView{}, err
	}
	return a.changeSample(ctx, id, func(tx Tx, v *SampleView, now time.Time) error {
		if err := v.Extend(now); err != nil {
			return err
		}
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "sample.extended", subject("sample", v.ID), "extended to %s", a.dateIn(v.DueAt)); err != nil {
			return err
		}
		if err := a.postSampleCard(ctx, tx, now, *v, "extended"); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "extended"), thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeSampleExtended, *v))
	})
}

// SubmitContent records the TikTok video or LIVE a creator posted for a
// shipped sample; a late link still completes an overdue sample.
func (a *App) SubmitContent(ctx context.Context, actor domain.Actor, id int64, link string) (SampleView, error) {
	if err := actor.RequireCreator("submit content"); err != nil {
		return SampleView{}, err
	}
	return a.changeSample(ctx, id, func(tx Tx, v *SampleView, now time.Time) error {
		// Whose sample it is comes first: someone else's sample is "not
		// yours" whatever the link looks like.
		if v.CreatorID != actor.CreatorID {
			return domain.Errorf(domain.KindForbidden, "Sample %s is not yours.", v.Ref())
		}
		url, kind, err := domain.ParseContentURL("content_link", link)
		if err != nil {
			return err
		}
		if err := domain.CheckContentOwner("content_link", v.Creator, url); err != nil {
			return err
		}
		if v.State == domain.SampleCompleted && v.ContentURL == url {
			return nil
		}
		if v.State == domain.SampleCompleted {
			return a.correctContent(ctx, tx, now, actor, v, url, kind)
		}
		if err := v.Complete(url, now); err != nil {
			return err
		}
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		if err := tx.InsertContent(ctx, &domain.Content{SampleID: v.ID, CreatorID: v.CreatorID, URL: url, Kind: kind, SubmittedAt: now}); err != nil {
			return err
		}
		if err := answered(ctx, tx, v.CreatorID); err != nil {
			return err
		}
		if err := withdrawReminders(ctx, tx, subject("sample", v.ID), "due-"); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "sample.completed", subject("sample", v.ID), "%s posted %s", v.Creator.At(), url); err != nil {
			return err
		}
		if err := a.postSampleCard(ctx, tx, now, *v, "completed"); err != nil {
			return err
		}
		if err := send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), key: domain.Once(subject("sample", v.ID), "content"), thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeContentPosted, *v)); err != nil {
			return err
		}
		if err := settleContentDMs(ctx, tx, now, *v); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "thanks"), thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeContentThanks, *v))
	})
}

// settleContentDMs edits the creator's "shipped" DM, and the "more time"
// one if the sample was extended, once content is in: their Submit content
// button would otherwise linger on a finished sample.
func settleContentDMs(ctx context.Context, tx Tx, now time.Time, v SampleView) error {
	dms := []string{"shipped"}
	if v.Extended {
		dms = append(dms, "extended")
	}
	kinds := map[string]domain.NoticeKind{"shipped": domain.NoticeSampleShipped, "extended": domain.NoticeSampleExtended}
	for _, what := range dms {
		original := domain.Once(subject("sample", v.ID), what)
		if err := send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: original.Edit(string(v.State), 0), thread: subject("sample", v.ID), replaces: original},
			sampleNotice(kinds[what], v)); err != nil {
			return err
		}
	}
	return nil
}

// correctContent replaces the link of a completed sample: a creator who
// pasted the wrong video fixes it without the team's help.
func (a *App) correctContent(ctx context.Context, tx Tx, now time.Time, actor domain.Actor, v *SampleView, url string, kind domain.ContentKind) error {
	old := v.ContentURL
	v.ContentURL = url
	if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
		return err
	}
	if err := tx.InsertContent(ctx, &domain.Content{SampleID: v.ID, CreatorID: v.CreatorID, URL: url, Kind: kind, SubmittedAt: now}); err != nil {
		return err
	}
	if err := record(ctx, tx, now, actor, "sample.content_changed", subject("sample", v.ID), "%s replaced %s with %s", v.Creator.At(), old, url); err != nil {
		return err
	}
	if err := a.postSampleCard(ctx, tx, now, *v, "content"); err != nil {
		return err
	}
	return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), change: "content", thread: subject("sample", v.ID)}, withText(sampleNotice(domain.NoticeContentPosted, *v), old))
}

// SamplePage is one page of a list of sample requests and how many more
// the filter selects beyond it.
type SamplePage struct {
	Samples []SampleView
	More    int
}

// ListSamples lists sample requests: the team sees all, a creator their own.
func (a *App) ListSamples(ctx context.Context, actor domain.Actor, handle string, state domain.SampleState) ([]SampleView, error) {
	p, err := a.ListSamplesPage(ctx, actor, handle, state)
	return p.Samples, err
}

// ListSamplesPage is ListSamples with how many more there are: the newest
// ListLimit requests, read in one query, and a count.
func (a *App) ListSamplesPage(ctx context.Context, actor domain.Actor, handle string, state domain.SampleState) (SamplePage, error) {
	var p SamplePage
	f := SampleFilter{Limit: ListLimit}
	if state != "" {
		f.States = []domain.SampleState{state}
	}
	err := a.store.View(ctx, func(tx Tx) error {
		p = SamplePage{}
		var err error
		if f.CreatorID, err = listedCreator(ctx, tx, actor, handle, "samples"); err != nil {
			return err
		}
		if err := tx.SampleViews(ctx, f, func(row SampleRow) error {
			p.Samples = append(p.Samples, sampleViewOf(row))
			return nil
		}); err != nil {
			return err
		}
		if len(p.Samples) < ListLimit {
			return nil
		}
		total, err := tx.CountSamples(ctx, f)
		p.More = max(total-len(p.Samples), 0)
		return err
	})
	return p, err
}

// CheckDecidable says why a request can no longer be approved or rejected,
// before anyone is asked for a reason.
func (a *App) CheckDecidable(ctx context.Context, id int64) error {
	return a.store.View(ctx, func(tx Tx) error {
		v, err := loadSample(ctx, tx, id)
		if err != nil {
			return err
		}
		return v.CanDecide()
	})
}

// PlanProductIDs lists the catalog products an open plan pays for.
func (a *App) PlanProductIDs(ctx context.Context, id int64) ([]string, error) {
	var out []string
	err := a.store.View(ctx, func(tx Tx) error {
		out = nil
		p, err := tx.Plan(ctx, id)
		if err != nil {
			return err
		}
		catalog, err := tx.ListProducts(ctx)
		if err != nil {
			return err
		}
		for _, pp := range p.Products(catalog) {
			out = append(out, pp.Product.ID)
		}
		return nil
	})
	return out, err
}

// InvitationProductIDs lists the products of a creator's own invitation.
func (a *App) InvitationProductIDs(ctx context.Context, actor domain.Actor, id int64) ([]string, error) {
	var out []string
	err := a.store.View(ctx, func(tx Tx) error {
		v, err := loadInvitation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := ownInvitation(actor, v); err != nil {
			return err
		}
		out = v.Collaboration.ProductIDs
		return nil
	})
	return out, err
}
