package commands

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Report is the team's funnel and what each free sample returned.
type Report struct {
	GeneratedAt time.Time
	Invitations map[domain.InvitationState]int
	Plans       map[domain.PlanState]int
	Samples     map[domain.SampleState]int
	Shipped     int          // samples that reached a creator (shipped, overdue, completed)
	Posted      int          // of those, with content submitted
	Returns     []SampleView // the newest ReportReturns shipped samples, newest first
	ReturnsMore int          // shipped samples beyond Returns (the export has them all)
}

// ReportReturns caps the shipped samples a report lists: a chat message,
// not a spreadsheet, and a report whose cost does not grow with history.
const ReportReturns = 20

// AcceptanceRate is accepted / answered-or-expired invitations in percent,
// or -1 before any invitation closed.
func (r Report) AcceptanceRate() int {
	closed := r.Invitations[domain.InvitationAccepted] + r.Invitations[domain.InvitationDeclined] + r.Invitations[domain.InvitationExpired]
	if closed == 0 {
		return -1
	}
	return r.Invitations[domain.InvitationAccepted] * 100 / closed
}

// FulfilmentRate is posted / shipped in percent, or -1 before any shipment.
func (r Report) FulfilmentRate() int {
	if r.Shipped == 0 {
		return -1
	}
	return r.Posted * 100 / r.Shipped
}

// shippedStates are the states of a sample that reached its creator.
var shippedStates = []domain.SampleState{domain.SampleShipped, domain.SampleOverdue, domain.SampleCompleted}

// Report builds the funnel for the seller team: counts by state from the
// store, and the newest shipped samples, so it costs the same at any size.
func (a *App) Report(ctx context.Context, actor domain.Actor) (Report, error) {
	r := Report{GeneratedAt: a.now(), Invitations: map[domain.InvitationState]int{}, Plans: map[domain.PlanState]int{}, Samples: map[domain.SampleState]int{}}
	if err := actor.RequireTeam("read reports"); err != nil {
		return r, err
	}
	err := a.store.View(ctx, func(tx Tx) error {
		c, err := tx.CountStates(ctx)
		if err != nil {
			return err
		}
		r.Invitations, r.Plans, r.Samples = c.Invitations, c.Plans, c.Samples
		r.Shipped, r.Posted, r.Returns = 0, c.Samples[domain.SampleCompleted], nil
		for _, st := range shippedStates {
			r.Shipped += c.Samples[st]
		}
		err = tx.SampleViews(ctx, SampleFilter{States: shippedStates, Limit: ReportReturns}, func(row SampleRow) error {
			r.Returns = append(r.Returns, sampleViewOf(row))
			return nil
		})
		r.ReturnsMore = r.Shipped - len(r.Returns)
		return err
	})
	return r, err
}

// sampleViewOf is loadSample's view from a row read with its parts.
func sampleViewOf(row SampleRow) SampleView {
	s := row.Sample
	v := SampleView{SampleRequest: s, Creator: row.Creator, Product: row.Product}
	if s.DecidedBy != "" && s.DecidedBy != domain.AutoApprover {
		v.DeciderName = row.DeciderName
	}
	switch {
	case s.PlanID != 0:
		v.Source = fmt.Sprintf("plan %s %q", domain.Plan{ID: s.PlanID}.Ref(), row.PlanName)
	case s.InvitationID != 0:
		v.Source = fmt.Sprintf("invitation I%d", s.InvitationID)
	}
	return v
}

// ExportInvitations writes every invitation as CSV, streamed from one
// query as it is read.
func (a *App) ExportInvitations(ctx context.Context, actor domain.Actor, w io.Writer) (int, error) {
	if err := actor.RequireTeam("export reports"); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "collaboration", "creator", "products", "commission_rate", "pending_rate", "pending_from", "state", "created_at", "responded_at", "expires_at", "decline_reason"})
	n := 0
	now := a.now()
	rec := make([]string, 12)
	err := a.store.View(ctx, func(tx Tx) error {
		return tx.ExportInvitations(ctx, func(r *InvitationCSVRow) error {
			v := &r.Invitation
			v.SettleRate(now)
			pending := ""
			if v.PendingRate != 0 {
				pending = v.PendingRate.String()
			}
			rec = append(rec[:0], v.Ref(), safeCell(r.Collaboration), r.Handle, r.Products, v.Rate.String(), pending, stamp(v.PendingFrom), string(v.State), stamp(v.CreatedAt), stamp(v.RespondedAt), stamp(v.ExpiresAt), safeCell(v.DeclineReason))
			if err := cw.Write(rec); err != nil {
				return err
			}
			n++
			return nil
		})
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// ExportSamples writes every sample request and its return as CSV,
// streamed from one query as it is read.
func (a *App) ExportSamples(ctx context.Context, actor domain.Actor, w io.Writer) (int, error) {
	if err := actor.RequireTeam("export reports"); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "creator", "product", "quantity", "source", "state", "requested_at", "decided_by", "decided_at", "reject_reason", "reject_note", "shipped_at", "tracking", "due_at", "content_url", "completed_at", "address"})
	n := 0
	rec := make([]string, 17)
	err := a.store.View(ctx, func(tx Tx) error {
		return tx.ExportSamples(ctx, func(row *SampleRow) error {
			v := sampleViewOf(*row)
			rec = append(rec[:0], v.Ref(), v.Creator.Handle, v.ProductID, strconv.Itoa(v.Quantity), safeCell(v.Source), string(v.State), stamp(v.RequestedAt), safeCell(v.Decider()), stamp(v.DecidedAt), string(v.RejectReason), safeCell(v.RejectNote), stamp(v.ShippedAt), safeCell(v.Tracking), stamp(v.DueAt), v.ContentURL, stamp(v.CompletedAt), safeCell(v.Creator.Address))
			if err := cw.Write(rec); err != nil {
				return err
			}
			n++
			return nil
		})
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// safeCell defuses spreadsheet formulas in free text typed by users.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// SweepResult counts what ExpireDue changed.
type SweepResult struct {
	InvitationsExpired int
	SamplesExpired     int
	SamplesOverdue     int
	PlansEnded         int
	RatesSettled       int // lowered rates that took effect
}

// ExpireDue applies the deadlines of PRODUCT.md at now: pending invitations
// past their date expire, undecided sample requests expire after 7 days,
// shipped samples past their posting date become overdue (flagged to the
// sellers), and plans past their end date end. Each change is its own
// transaction with deterministic message keys, so running it twice, or on
// two replicas, changes and tells once.
func (a *App) ExpireDue(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := a.now()
	var invIDs, reqIDs, shipIDs, planIDs, rateIDs []int64
	err := a.store.View(ctx, func(tx Tx) error {
		// Only what is due is read: the sweep runs every minute beside a
		// history that only grows.
		soon := now.Add(time.Millisecond)
		rates, err := tx.ListInvitations(ctx, InvitationFilter{States: []domain.InvitationState{domain.InvitationPending, domain.InvitationAccepted}, PendingRateDueBefore: soon})
		if err != nil {
			return err
		}
		for _, i := range rates {
			if i.PendingRate != 0 && !now.Before(i.PendingFrom) {
				rateIDs = append(rateIDs, i.ID)
			}
		}
		invs, err := tx.ListInvitations(ctx, InvitationFilter{States: []domain.InvitationState{domain.InvitationPending}, ExpiresBefore: soon})
		if err != nil {
			return err
		}
		for _, i := range invs {
			invIDs = append(invIDs, i.ID)
		}
		reqs, err := tx.ListSamples(ctx, SampleFilter{States: []domain.SampleState{domain.SampleRequested}, RequestedBefore: soon.Add(-domain.DecisionWindow)})
		if err != nil {
			return err
		}
		for _, s := range reqs {
			if !now.Before(s.ExpiresAt()) {
				reqIDs = append(reqIDs, s.ID)
			}
		}
		shipped, err := tx.ListSamples(ctx, SampleFilter{States: []domain.SampleState{domain.SampleShipped}, DueBefore: soon})
		if err != nil {
			return err
		}
		for _, s := range shipped {
			if !s.DueAt.IsZero() && !now.Before(s.DueAt) {
				shipIDs = append(shipIDs, s.ID)
			}
		}
		plans, err := tx.ListPlans(ctx, domain.PlanActive, domain.PlanPaused)
		if err != nil {
			return err
		}
		for _, p := range plans {
			if !p.EndsAt.IsZero() && !now.Before(p.EndsAt) {
				planIDs = append(planIDs, p.ID)
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	for _, id := range rateIDs {
		settled := false // set by the run of fn that commits
		err := a.store.Update(ctx, func(tx Tx) error {
			settled = false
			inv, err := tx.Invitation(ctx, id)
			if err != nil || inv.PendingRate == 0 || now.Before(inv.PendingFrom) {
				return err
			}
			inv.SettleRate(now)
			settled = true
			if err := tx.UpdateInvitation(ctx, inv); err != nil {
				return err
			}
			return record(ctx, tx, now, domain.System, "invitation.rate", subject("invitation", inv.ID), "lowered rate %s took effect", inv.Rate)
		})
		if err != nil {
			return res, err
		}
		if settled {
			res.RatesSettled++
		}
	}
	for _, id := range invIDs {
		changed, err := a.expireInvitation(ctx, id, now)
		if err != nil {
			return res, err
		}
		if changed {
			res.InvitationsExpired++
		}
	}
	for _, id := range reqIDs {
		changed, err := a.moveSample(ctx, id, now, domain.SampleRequested, domain.SampleExpired)
		if err != nil {
			return res, err
		}
		if changed {
			res.SamplesExpired++
		}
	}
	for _, id := range shipIDs {
		changed, err := a.moveSample(ctx, id, now, domain.SampleShipped, domain.SampleOverdue)
		if err != nil {
			return res, err
		}
		if changed {
			res.SamplesOverdue++
		}
	}
	for _, id := range planIDs {
		ended := false // set by the run of fn that commits
		err := a.store.Update(ctx, func(tx Tx) error {
			ended = false
			p, err := tx.Plan(ctx, id)
			if err != nil || p.State == domain.PlanEnded {
				return err
			}
			if err := p.To(domain.PlanEnded); err != nil {
				return err
			}
			if err := tx.UpdatePlan(ctx, p); err != nil {
				return err
			}
			ended = true
			if err := record(ctx, tx, now, domain.System, "plan.ended", subject("plan", p.ID), "plan %q reached its end date", p.Name); err != nil {
				return err
			}
			if err := a.cancelUndecided(ctx, tx, now, domain.System, SampleFilter{PlanID: p.ID}, domain.Closure{Event: "plan.ended", Ref: p.Ref(), Name: p.Name}); err != nil {
				return err
			}
			return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), key: domain.Once(subject("plan", p.ID), "ended"), thread: subject("plan", p.ID)}, domain.Notice{Kind: domain.NoticePlanEnded, Plan: &p})
		})
		if err != nil {
			return res, err
		}
		if ended {
			res.PlansEnded++
		}
	}
	return res, nil
}

func (a *App) expireInvitation(ctx context.Context, id int64, now time.Time) (bool, error) {
	changed := false
	err := a.store.Update(ctx, func(tx Tx) error {
		changed = false // fn may run again
		v, err := loadInvitation(ctx, tx, id)
		if err != nil {
			return err
		}
		if v.State != domain.InvitationPending || now.Before(v.ExpiresAt) {
			return nil // answered or moved since the scan
		}
		if err := v.To(domain.InvitationExpired, now); err != nil {
			return err
		}
		if err := tx.UpdateInvitation(ctx, v.Invitation); err != nil {
			return err
		}
		changed = true
		if err := record(ctx, tx, now, domain.System, "invitation.expired", subject("invitation", v.ID), "%s did not answer by %s", v.Creator.At(), a.dateIn(v.ExpiresAt)); err != nil {
			return err
		}
		if err := a.updateInvitationDM(ctx, tx, now, v); err != nil {
			return err
		}
		note, err := a.closeInvitationSamples(ctx, tx, now, domain.System, v, domain.Closure{Event: "invitation.expired", Ref: v.Ref()})
		if err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), key: domain.Once(subject("invitation", v.ID), "expired"), thread: subject("invitation", v.ID)}, domain.Notice{Kind: domain.NoticeInvitationExpired, Creator: &v.Creator, Invitation: &v.Invitation, Collaboration: &v.Collaboration, Refs: note})
	})
	return changed, err
}

func (a *App) moveSample(ctx context.Context, id int64, now time.Time, from, to domain.SampleState) (bool, error) {
	changed := false
	err := a.store.Update(ctx, func(tx Tx) error {
		changed = false // fn may run again
		v, err := loadSample(ctx, tx, id)
		if err != nil {
			return err
		}
		if v.State != from {
			return nil
		}
		if err := v.To(to); err != nil {
			return err
		}
		if err := tx.UpdateSample(ctx, v.SampleRequest); err != nil {
			return err
		}
		changed = true
		if err := record(ctx, tx, now, domain.System, "sample."+string(to), subject("sample", v.ID), "%s's %s is %s", v.Creator.At(), v.ProductID, to); err != nil {
			return err
		}
		// An extended sample can go overdue a second time: key the news by
		// its deadline so the second time is told too.
		step := string(to)
		if to == domain.SampleOverdue {
			step = fmt.Sprintf("%s:%d", to, v.DueAt.UnixMilli())
		}
		if err := a.postSampleCard(ctx, tx, now, v, step); err != nil {
			return err
		}
		if to == domain.SampleExpired {
			if err := settleReceivedDM(ctx, tx, now, v); err != nil {
				return err
			}
			return send(ctx, tx, now, out{to: toCreator(v.CreatorID), key: domain.Once(subject("sample", v.ID), "expired"), thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeSampleExpired, v))
		}
		return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), change: "overdue", thread: subject("sample", v.ID)}, sampleNotice(domain.NoticeSampleOverdue, v))
	})
	return changed, err
}

// HistoryEntry is one line of an audit trail, with the actor named.
type HistoryEntry struct {
	domain.Event
	Who string
}

// History shows the audit trail of one thing (about as the events name
// it, like "sample:12", or a creator's handle), newest first.
func (a *App) History(ctx context.Context, actor domain.Actor, about, handle string) ([]HistoryEntry, error) {
	if err := actor.RequireTeam("read the history"); err != nil {
		return nil, err
	}
	var out []HistoryEntry
	err := a.store.View(ctx, func(tx Tx) error {
		out = nil
		var evs []domain.Event
		if handle != "" {
			c, err := tx.CreatorByHandle(ctx, handle)
			if err != nil {
				return err
			}
			if evs, err = creatorTrail(ctx, tx, c.ID, historyLimit); err != nil {
				return err
			}
		} else {
			if err := exists(ctx, tx, about); err != nil {
				return err
			}
			var err error
			if evs, err = tx.Events(ctx, about, historyLimit); err != nil {
				return err
			}
		}
		names := map[string]string{}
		for _, e := range evs {
			who, ok := names[e.Actor]
			if !ok {
				who = actorName(ctx, tx, e.Actor)
				names[e.Actor] = who
			}
			out = append(out, HistoryEntry{Event: e, Who: who})
		}
		return nil
	})
	return out, err
}

// historyLimit caps a history: the latest steps are what people ask about.
const historyLimit = 50

// creatorTrail is a creator's whole trail: the events on their roster entry
// and those on each of their invitations and samples (requests, decisions,
// shipping, content), newest first, at most limit. Three reads whatever the
// creator's history: her invitations, her samples, and every subject's
// events at once.
func creatorTrail(ctx context.Context, tx Tx, creatorID int64, limit int) ([]domain.Event, error) {
	subjects := []string{subject("creator", creatorID)}
	invs, err := tx.ListInvitations(ctx, InvitationFilter{CreatorID: creatorID})
	if err != nil {
		return nil, err
	}
	for _, i := range invs {
		subjects = append(subjects, subject("invitation", i.ID))
	}
	ss, err := tx.ListSamples(ctx, SampleFilter{CreatorID: creatorID})
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		subjects = append(subjects, subject("sample", s.ID))
	}
	return tx.EventsOf(ctx, subjects, limit)
}

// exists says "No such thing" for a history of something never stored.
func exists(ctx context.Context, tx Tx, about string) error {
	kind, id, _ := strings.Cut(about, ":")
	var n int64
	fmt.Sscan(id, &n)
	var err error
	switch kind {
	case "invitation":
		_, err = tx.Invitation(ctx, n)
	case "sample":
		_, err = tx.Sample(ctx, n)
	case "plan":
		_, err = tx.Plan(ctx, n)
	case "product":
		_, err = tx.Product(ctx, id)
	}
	return err
}

// actorName turns an audit actor ("member:U1", "creator:7", "system") into
// how people know them.
func actorName(ctx context.Context, tx Tx, ref string) string {
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "creator":
		var n int64
		if _, err := fmt.Sscan(id, &n); err == nil {
			if c, err := tx.Creator(ctx, n); err == nil {
				return c.At()
			}
		}
	case "member":
		if m, err := tx.Member(ctx, id); err == nil && m.Name != "" {
			return m.Name
		}
		return id
	case "system":
		return "collabbot"
	}
	return ref
}
