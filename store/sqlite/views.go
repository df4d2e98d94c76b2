package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// Lists, exports and the report read rows with what people read them by in
// one joined query, streamed to the caller, instead of looking each row's
// creator, collaboration, product and decider up one at a time.

// qualified prefixes every column of a column list with a table alias.
func qualified(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// invitationQuery renders f's conditions on the invitations table as
// alias a ("" for the bare table).
func invitationQuery(f commands.InvitationFilter, a string) *query {
	if a != "" {
		a += "."
	}
	q := &query{}
	if f.CreatorID != 0 {
		q.add(a+`creator_id = ?`, f.CreatorID)
	}
	if f.CollaborationID != 0 {
		q.add(a+`collaboration_id = ?`, f.CollaborationID)
	}
	state := a + "state"
	if f.CreatorID != 0 {
		// Unary +: one creator's few rows come from the creator index;
		// without statistics SQLite would walk the state's index instead.
		state = "+" + state
	}
	if !f.PendingRateDueBefore.IsZero() {
		// Unary +: the few lowered rates are found by invitations_rate_due,
		// not by walking every live invitation of the states' index.
		state = "+" + state
	}
	in(q, state, f.States)
	if !f.ExpiresBefore.IsZero() {
		q.add(a+`state = 'pending' AND `+a+`expires_at < ?`, f.ExpiresBefore.UnixMilli())
	}
	if !f.PendingRateDueBefore.IsZero() {
		// pending_rate <> 0 lets the planner use invitations_rate_due.
		q.add(a+`pending_rate <> 0 AND `+a+`pending_from < ?`, f.PendingRateDueBefore.UnixMilli())
	}
	return q
}

// sampleQuery renders f's conditions on the sample_requests table as
// alias a ("" for the bare table).
func sampleQuery(f commands.SampleFilter, a string) *query {
	if a != "" {
		a += "."
	}
	q := &query{}
	if f.CreatorID != 0 {
		q.add(a+`creator_id = ?`, f.CreatorID)
	}
	if f.ProductID != "" {
		q.add(a+`product_id = ?`, f.ProductID)
	}
	if f.PlanID != 0 {
		q.add(a+`plan_id = ?`, f.PlanID)
	}
	if f.InvitationID != 0 {
		q.add(a+`invitation_id = ?`, f.InvitationID)
	}
	state := a + "state"
	if f.CreatorID != 0 {
		state = "+" + state // as in invitationQuery
	}
	in(q, state, f.States)
	if !f.RequestedBefore.IsZero() {
		q.add(a+`requested_at < ?`, f.RequestedBefore.UnixMilli())
	}
	if !f.DueBefore.IsZero() {
		q.add(a+`due_at < ?`, f.DueBefore.UnixMilli())
	}
	return q
}

// count renders SELECT count(*) over table with q's conditions.
func (t *tx) count(ctx context.Context, op, table string, q *query) (int, error) {
	stmt := `SELECT count(*) FROM ` + table
	if len(q.where) > 0 {
		stmt += ` WHERE ` + strings.Join(q.where, " AND ")
	}
	var n int
	err := t.tx.QueryRowContext(ctx, stmt, q.args...).Scan(&n)
	return n, formatError(err, op, nil)
}

// stream runs a query and hands each scanned row to each, stopping at the
// first error.
func stream[T any](ctx context.Context, t *tx, op, stmt string, args []any, scan func(rowScanner) (T, error), each func(T) error) error {
	rows, err := t.tx.QueryContext(ctx, stmt, args...)
	if err != nil {
		return formatError(err, op, nil)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return formatError(err, op, nil)
		}
		if err := each(v); err != nil {
			return err
		}
	}
	return formatError(rows.Err(), op, nil)
}

// InvitationViews streams invitations with their creator and
// collaboration, newest first. A collaboration's sample offer is read once
// per offer and shared.
func (t *tx) InvitationViews(ctx context.Context, f commands.InvitationFilter, each func(commands.InvitationView) error) error {
	return newestPerState(f.States, f.Limit, func(states []domain.InvitationState, each func(commands.InvitationView) error) error {
		g := f
		g.States = states
		return t.invitationViews(ctx, g, each)
	}, func(v commands.InvitationView) int64 { return v.Invitation.ID }, each)
}

func (t *tx) invitationViews(ctx context.Context, f commands.InvitationFilter, each func(commands.InvitationView) error) error {
	q := invitationQuery(f, "i")
	stmt := `SELECT ` + qualified("i", invitationCols) + `, ` + qualified("c", creatorCols) + `,
		col.id, col.name, col.message, col.contact_email, col.sample_offer_id, col.expires_at, col.created_by, col.created_at,
		(SELECT group_concat(cp.product_id, ' ' ORDER BY cp.position) FROM collaboration_products cp WHERE cp.collaboration_id = col.id)
		FROM invitations i JOIN creators c ON c.id = i.creator_id JOIN collaborations col ON col.id = i.collaboration_id` + q.sql("i.id DESC", f.Limit)
	offers := map[int64]*domain.SampleOffer{}
	type row struct {
		v       commands.InvitationView
		offerID int64
	}
	scan := func(r rowScanner) (row, error) {
		var x row
		i, c, col := &x.v.Invitation, &x.v.Creator, &x.v.Collaboration
		var products string
		err := r.Scan(&i.ID, &i.CollaborationID, &i.CreatorID, &i.Rate, &i.PendingRate, timeCol{&i.PendingFrom}, &i.State,
			&i.DeclineReason, &i.Nudges, timeCol{&i.CreatedAt}, timeCol{&i.RespondedAt}, timeCol{&i.ExpiresAt}, &i.Version,
			&c.ID, &c.Handle, textCol{&c.DiscordID}, &c.Followers, &c.AvgViews, &c.GMV30d,
			&c.Niche, listCol{&c.Categories}, &c.TimeZone, &c.Reachable, &c.Unanswered, timeCol{&c.CreatedAt}, timeCol{&c.ArchivedAt}, &c.Address,
			&col.ID, &col.Name, &col.Message, &col.ContactEmail, idCol{&x.offerID}, timeCol{&col.ExpiresAt}, &col.CreatedBy, timeCol{&col.CreatedAt},
			textCol{&products})
		if products != "" {
			col.ProductIDs = strings.Split(products, " ") // product IDs hold no spaces (domain.ValidateProductID)
		}
		return x, err
	}
	return stream(ctx, t, "store: invitation views", stmt, q.args, scan, func(x row) error {
		if x.offerID != 0 {
			o, ok := offers[x.offerID]
			if !ok {
				// Read on a second statement while the walk goes on:
				// offers are few (one per collaboration at most).
				var err error
				if o, err = t.offerFor(ctx, x.offerID); err != nil {
					return err
				}
				offers[x.offerID] = o
			}
			if o != nil {
				cp := *o
				x.v.Collaboration.Sample = &cp
			}
		}
		return each(x.v)
	})
}

// CountInvitations counts the invitations f selects.
func (t *tx) CountInvitations(ctx context.Context, f commands.InvitationFilter) (int, error) {
	return t.count(ctx, "store: count invitations", "invitations", invitationQuery(f, ""))
}

// SampleViews streams sample requests with their creator, product, decider's
// name and plan name, newest first.
func (t *tx) SampleViews(ctx context.Context, f commands.SampleFilter, each func(commands.SampleRow) error) error {
	return newestPerState(f.States, f.Limit, func(states []domain.SampleState, each func(commands.SampleRow) error) error {
		g := f
		g.States = states
		q := sampleQuery(g, "s")
		return stream(ctx, t, "store: sample views", sampleRowSelect+q.sql("s.id DESC", g.Limit), q.args, scanSampleRow, each)
	}, func(r commands.SampleRow) int64 { return r.Sample.ID }, each)
}

// newestPerState reads a page of the newest rows in any of several states
// one state at a time, and keeps the newest limit of them. SQLite has no
// statistics on a database serve made (it never runs ANALYZE), and for
// "state IN (...) ORDER BY id DESC LIMIT n" it then walks every row of
// those states and sorts them to keep n: the report's latest shipped
// samples took 130 ms at 100k. For one state it walks the (state, id)
// index newest first and stops after n.
func newestPerState[S comparable, T any](states []S, limit int, read func([]S, func(T) error) error, id func(T) int64, each func(T) error) error {
	if limit <= 0 || len(states) < 2 {
		return read(states, each)
	}
	var all []T
	seen := map[S]bool{}
	for _, s := range states {
		if seen[s] {
			continue
		}
		seen[s] = true
		if err := read([]S{s}, func(v T) error { all = append(all, v); return nil }); err != nil {
			return err
		}
	}
	slices.SortFunc(all, func(a, b T) int { return cmp.Compare(id(b), id(a)) })
	for _, v := range all[:min(limit, len(all))] {
		if err := each(v); err != nil {
			return err
		}
	}
	return nil
}

// SampleRowByID reads one sample request with its parts in one query: a
// step on a request (approve, ship) starts with it.
func (t *tx) SampleRowByID(ctx context.Context, id int64) (commands.SampleRow, error) {
	row, err := scanSampleRow(t.tx.QueryRowContext(ctx, sampleRowSelect+` WHERE s.id = ?`, id))
	if err := notFound(err, "store: sample request", domain.Missing{Thing: "sample", Ref: fmt.Sprintf("S%d", id)}); err != nil {
		return commands.SampleRow{}, err
	}
	t.rememberCreator(row.Creator)
	return row, nil
}

var sampleRowSelect = `SELECT ` + sampleRowCols + `
		FROM sample_requests s JOIN creators c ON c.id = s.creator_id JOIN products p ON p.id = s.product_id
		LEFT JOIN members m ON m.id = s.decided_by LEFT JOIN plans pl ON pl.id = s.plan_id`

var sampleRowCols = qualified("s", sampleCols) + `, ` + qualified("c", creatorCols) + `, ` + qualified("p", productCols) + `,
		coalesce(m.name, ''), coalesce(pl.name, '')`

func scanSampleRow(r rowScanner) (commands.SampleRow, error) {
	var x commands.SampleRow
	s, c, p := &x.Sample, &x.Creator, &x.Product
	err := r.Scan(&s.ID, &s.CreatorID, &s.ProductID, idCol{&s.OfferID}, idCol{&s.PlanID}, idCol{&s.InvitationID}, &s.Quantity,
		&s.State, &s.Note, timeCol{&s.RequestedAt}, &s.DecidedBy, timeCol{&s.DecidedAt}, &s.RejectReason, &s.RejectNote,
		timeCol{&s.ShippedAt}, &s.Tracking, timeCol{&s.DueAt}, &s.Extended, &s.ContentURL, timeCol{&s.CompletedAt}, &s.PostWithinDays, &s.Version,
		&c.ID, &c.Handle, textCol{&c.DiscordID}, &c.Followers, &c.AvgViews, &c.GMV30d,
		&c.Niche, listCol{&c.Categories}, &c.TimeZone, &c.Reachable, &c.Unanswered, timeCol{&c.CreatedAt}, timeCol{&c.ArchivedAt}, &c.Address,
		&p.ID, &p.Title, &p.Price, &p.Group, &p.SampleStock, timeCol{&p.ArchivedAt},
		&x.DeciderName, &x.PlanName)
	return x, err
}

// CountSamples counts the sample requests f selects.
func (t *tx) CountSamples(ctx context.Context, f commands.SampleFilter) (int, error) {
	return t.count(ctx, "store: count sample requests", "sample_requests", sampleQuery(f, ""))
}

// CountStates counts invitations, plans and samples by state, each with
// one grouped walk of its state index.
func (t *tx) CountStates(ctx context.Context) (commands.StateCounts, error) {
	c := commands.StateCounts{Invitations: map[domain.InvitationState]int{}, Plans: map[domain.PlanState]int{}, Samples: map[domain.SampleState]int{}}
	type pair struct {
		state string
		n     int
	}
	scan := func(r rowScanner) (pair, error) {
		var p pair
		err := r.Scan(&p.state, &p.n)
		return p, err
	}
	for _, g := range []struct {
		table string
		put   func(string, int)
	}{
		{"invitations", func(s string, n int) { c.Invitations[domain.InvitationState(s)] = n }},
		{"plans", func(s string, n int) { c.Plans[domain.PlanState(s)] = n }},
		{"sample_requests", func(s string, n int) { c.Samples[domain.SampleState(s)] = n }},
	} {
		err := stream(ctx, t, "store: count states", `SELECT state, count(*) FROM `+g.table+` GROUP BY state`, nil, scan,
			func(p pair) error { g.put(p.state, p.n); return nil })
		if err != nil {
			return c, err
		}
	}
	return c, nil
}
