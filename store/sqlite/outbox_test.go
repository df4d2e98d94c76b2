package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

func TestEnqueueDeduplicatesByKey(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	var first, second bool
	mustUpdate(t, db, func(tx commands.Tx) error {
		var err error
		first, err = tx.Enqueue(ctx, message(1))
		return err
	})
	again := message(1)
	again.Notice.Text = "a retried action"
	mustUpdate(t, db, func(tx commands.Tx) error {
		var err error
		second, err = tx.Enqueue(ctx, again)
		return err
	})
	if !first || second {
		t.Fatalf("Enqueue reported %v then %v, want true then false", first, second)
	}
	rows, err := db.ListOutgoing(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Notice.Text != "message 1" {
		t.Fatalf("outbox = %+v, want the first message only", rows)
	}
}

func TestEnqueueRejectsBadRows(t *testing.T) {
	db := mustOpen(t)
	noKey := message(1)
	noKey.Key = ""
	badTo := message(2)
	badTo.To = domain.Recipient{Kind: domain.ToChannel, Channel: "random"}
	for name, o := range map[string]domain.Outgoing{"no key": noKey, "unknown channel": badTo} {
		t.Run(name, func(t *testing.T) {
			err := db.Update(context.Background(), func(tx commands.Tx) error {
				_, err := tx.Enqueue(context.Background(), o)
				return err
			})
			wantKind(t, err, domain.KindInvalid)
		})
	}
}

func TestClaimOutgoing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	later := message(3)
	later.CreatedAt = t0.Add(time.Hour)
	mustEnqueue(t, db, message(1), message(2), later)

	lease := time.Minute
	got, err := db.ClaimOutgoing(ctx, t0, both, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "test:1" || got[1].Key != "test:2" {
		t.Fatalf("claimed %+v, want test:1 and test:2 (test:3 is not due)", got)
	}
	for _, o := range got {
		if o.State != domain.OutboxSending {
			t.Fatalf("claimed row state = %s, want sending", o.State)
		}
	}
	if again, _ := db.ClaimOutgoing(ctx, t0.Add(lease-time.Millisecond), both, 10, lease); len(again) != 0 {
		t.Fatalf("claimed %d rows again within the lease", len(again))
	}

	// test:1 is sent, test:2's sender dies: its lease runs out and it is
	// claimed again, together with test:3 that became due.
	if err := db.MarkSent(ctx, got[0], t0.Add(time.Second), "C1/1.0"); err != nil {
		t.Fatal(err)
	}
	reclaimed, err := db.ClaimOutgoing(ctx, t0.Add(time.Hour), both, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if len(reclaimed) != 2 || reclaimed[0].Key != "test:2" || reclaimed[1].Key != "test:3" {
		t.Fatalf("reclaimed %+v, want test:2 (lease expired) and test:3", reclaimed)
	}
	// The lost lease counts as an attempt, so a message that kills its
	// sender every time runs out of attempts; a first claim does not.
	if reclaimed[0].Attempts != 1 || reclaimed[1].Attempts != 0 {
		t.Fatalf("attempts after reclaim = %d, %d; want 1 (lease lost), 0 (first claim)", reclaimed[0].Attempts, reclaimed[1].Attempts)
	}

	if _, err := db.MarkRetry(ctx, reclaimed[0], t0.Add(time.Hour), t0.Add(2*time.Hour), "slack: 503", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, reclaimed[1], "discord: 50007 cannot DM"); err != nil {
		t.Fatal(err)
	}

	sent, _ := db.ListOutgoing(ctx, domain.OutboxSent, 0)
	pending, _ := db.ListOutgoing(ctx, domain.OutboxPending, 0)
	failed, _ := db.ListOutgoing(ctx, domain.OutboxFailed, 0)
	if len(sent) != 1 || !sent[0].SentAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("sent = %+v", sent)
	}
	if len(pending) != 1 || pending[0].Attempts != 2 || pending[0].LastError != "slack: 503" || !pending[0].NextAttempt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("pending after retry = %+v", pending)
	}
	if len(failed) != 1 || failed[0].LastError != "discord: 50007 cannot DM" || failed[0].Attempts != 1 {
		t.Fatalf("failed = %+v", failed)
	}

	// The retried row is due again only at its next attempt.
	if early, _ := db.ClaimOutgoing(ctx, t0.Add(2*time.Hour-time.Millisecond), both, 10, lease); len(early) != 0 {
		t.Fatalf("claimed %+v before its next attempt", early)
	}
	if due, _ := db.ClaimOutgoing(ctx, t0.Add(2*time.Hour), both, 10, lease); len(due) != 1 || due[0].Key != "test:2" {
		t.Fatalf("claimed %+v at the next attempt, want test:2", due)
	}

	if err := db.MarkSent(ctx, domain.Outgoing{ID: 999}, t0, ""); domain.ErrorKind(err) != domain.KindNotFound {
		t.Fatalf("MarkSent(unknown) = %v, want not found", err)
	}
}

// Two dispatchers, each with its own DB handle on the file as two replicas
// would have, never get the same row.
func TestClaimOutgoingConcurrently(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db := mustOpenPath(t, path)
	const rows = 200
	msgs := make([]domain.Outgoing, rows)
	for i := range msgs {
		msgs[i] = message(i)
	}
	mustEnqueue(t, db, msgs...)

	claimers := []*sqlite.DB{db, mustOpenPath(t, path)}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for _, c := range claimers {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := c.ClaimOutgoing(ctx, t0, both, 7, time.Hour)
					if err != nil {
						t.Errorf("ClaimOutgoing: %v", err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, o := range got {
						seen[o.ID]++
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(seen) != rows {
		t.Fatalf("claimed %d distinct rows, want %d", len(seen), rows)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("row %d claimed %d times", id, n)
		}
	}
}

func TestListOutgoingLimit(t *testing.T) {
	db := mustOpen(t)
	mustEnqueue(t, db, message(1), message(2), message(3))
	rows, err := db.ListOutgoing(context.Background(), domain.OutboxPending, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Key != "test:1" || rows[1].Key != "test:2" {
		t.Fatalf("ListOutgoing(pending, 2) = %+v, want the two oldest", rows)
	}
}

// both is every surface, as a dispatcher with every sender claims.
var both = []domain.Surface{domain.SurfaceSlack, domain.SurfaceDiscord}

// A worker whose claim ran out cannot record an outcome over the row's new
// holder while that holder is still sending: every late mark is a conflict,
// the row stays the new holder's, and the new holder's own mark then
// succeeds. (Without the lease check in mark, the old holder's mark would
// land on the row the new holder is sending.)
func TestMarkAfterLostLeaseIsRefused(t *testing.T) {
	ctx := context.Background()
	lease := time.Minute
	marks := []struct {
		name string
		mark func(db *sqlite.DB, o domain.Outgoing) error
	}{
		{"sent", func(db *sqlite.DB, o domain.Outgoing) error { return db.MarkSent(ctx, o, t0.Add(2*lease), "C1/late") }},
		{"retry", func(db *sqlite.DB, o domain.Outgoing) error {
			_, err := db.MarkRetry(ctx, o, t0.Add(2*lease), t0.Add(time.Hour), "late", time.Hour)
			return err
		}},
		{"postpone", func(db *sqlite.DB, o domain.Outgoing) error { return db.Postpone(ctx, o, t0.Add(time.Hour), "late") }},
		{"failed", func(db *sqlite.DB, o domain.Outgoing) error { return db.MarkFailed(ctx, o, "late") }},
	}
	for _, tc := range marks {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpen(t)
			mustEnqueue(t, db, message(1))
			first := mustClaim(t, db, t0, lease, 1)[0]
			second := mustClaim(t, db, t0.Add(lease), lease, 1)[0]
			// The new holder is still sending: the old holder's late mark
			// must not touch the row.
			wantKind(t, tc.mark(db, first), domain.KindConflict)
			o := mustRow(t, db, first.ID)
			if o.State != domain.OutboxSending || !o.LeaseUntil.Equal(second.LeaseUntil) || o.Ref != "" {
				t.Fatalf("after the old holder's late mark the row is %s, lease %v, ref %q; want sending under the new lease %v, no ref",
					o.State, o.LeaseUntil, o.Ref, second.LeaseUntil)
			}
			if err := db.MarkSent(ctx, second, t0.Add(lease+time.Second), "C1/new"); err != nil {
				t.Fatalf("the new holder's mark: %v", err)
			}
			if o := mustRow(t, db, first.ID); o.State != domain.OutboxSent || o.Ref != "C1/new" {
				t.Fatalf("row is %s with ref %q, want sent with the new holder's ref", o.State, o.Ref)
			}
		})
	}
}

func mustClaim(tb testing.TB, db *sqlite.DB, now time.Time, lease time.Duration, want int) []domain.Outgoing {
	tb.Helper()
	got, err := db.ClaimOutgoing(context.Background(), now, both, 10, lease)
	if err != nil {
		tb.Fatalf("ClaimOutgoing: %v", err)
	}
	if len(got) != want {
		tb.Fatalf("claimed %d rows (%+v), want %d", len(got), got, want)
	}
	return got
}

func mustRow(tb testing.TB, db *sqlite.DB, id int64) domain.Outgoing {
	tb.Helper()
	rows, err := db.ListOutgoing(context.Background(), "", 0)
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range rows {
		if o.ID == id {
			return o
		}
	}
	tb.Fatalf("no outbox row %d", id)
	return domain.Outgoing{}
}

// byKey reads the outbox as key -> row.
func byKey(tb testing.TB, db *sqlite.DB) map[string]domain.Outgoing {
	tb.Helper()
	rows, err := db.ListOutgoing(context.Background(), "", 0)
	if err != nil {
		tb.Fatal(err)
	}
	m := map[string]domain.Outgoing{}
	for _, o := range rows {
		m[o.Key] = o
	}
	return m
}

// threaded is message n in thread th; edit makes it replace test:<edit>.
func threaded(n int, th string, edit int) domain.Outgoing {
	o := message(n)
	o.Thread = th
	if edit != 0 {
		o.Replaces = fmt.Sprintf("test:%d", edit)
	}
	return o
}

// An edit queued while its original is pending takes the original's place:
// the original row carries the edit's content and the edit is merged, in
// the enqueuing transaction. Once the original is in flight or sent, an
// edit is queued as a row of its own.
func TestEnqueueMergesEditOfPendingOriginal(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustEnqueue(t, db, threaded(1, "sample:1", 0), threaded(2, "sample:1", 1))
	mustEnqueue(t, db, threaded(3, "sample:1", 1))
	rows := byKey(t, db)
	if o := rows["test:1"]; o.State != domain.OutboxPending || o.Notice.Text != "message 3" {
		t.Fatalf("original is %s saying %q, want pending with the latest edit's content", o.State, o.Notice.Text)
	}
	for _, k := range []string{"test:2", "test:3"} {
		if o := rows[k]; o.State != domain.OutboxMerged {
			t.Fatalf("edit %s is %s, want merged", k, o.State)
		}
	}
	// A retried edit is still skipped by its key.
	var again bool
	mustUpdate(t, db, func(tx commands.Tx) error {
		var err error
		again, err = tx.Enqueue(ctx, threaded(2, "sample:1", 1))
		return err
	})
	if again {
		t.Fatal("an edit already merged was queued again")
	}

	orig := mustClaim(t, db, t0, time.Minute, 1)[0]
	mustEnqueue(t, db, threaded(4, "sample:1", 1)) // while the original is in flight
	if o := byKey(t, db)["test:4"]; o.State != domain.OutboxPending {
		t.Fatalf("edit of an original in flight is %s, want pending (an edit of its own)", o.State)
	}
	if o := byKey(t, db)["test:1"]; o.Notice.Text != "message 3" {
		t.Fatalf("the original in flight changed to %q", o.Notice.Text)
	}
	// It waits for the original, then carries its reference.
	mustClaim(t, db, t0, time.Minute, 0)
	if err := db.MarkSent(ctx, orig, t0, "C1/1.0"); err != nil {
		t.Fatal(err)
	}
	edit := mustClaim(t, db, t0, time.Minute, 1)[0]
	if edit.Key != "test:4" || edit.Ref != "C1/1.0" || edit.Replaces != "test:1" {
		t.Fatalf("claimed %s with ref %q replacing %q, want test:4 with the original's ref C1/1.0", edit.Key, edit.Ref, edit.Replaces)
	}
	if err := db.MarkSent(ctx, edit, t0, ""); err != nil {
		t.Fatal(err)
	}
	if o := byKey(t, db)["test:4"]; o.Ref != "C1/1.0" {
		t.Fatalf("a sent edit without a ref of its own stored %q, want its original's", o.Ref)
	}
}

// Edits queued while the original was in flight, whose send then failed,
// are folded into it when it is claimed again.
func TestClaimFoldsPendingEditsIntoRetriedOriginal(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustEnqueue(t, db, threaded(1, "sample:1", 0))
	orig := mustClaim(t, db, t0, time.Minute, 1)[0]
	mustEnqueue(t, db, threaded(2, "sample:1", 1), threaded(3, "sample:1", 1))
	if _, err := db.MarkRetry(ctx, orig, t0, t0, "503", time.Hour); err != nil {
		t.Fatal(err)
	}
	got := mustClaim(t, db, t0, time.Minute, 1)[0]
	if got.Key != "test:1" || got.Notice.Text != "message 3" {
		t.Fatalf("claimed %s saying %q, want the original with the latest edit's content", got.Key, got.Notice.Text)
	}
	rows := byKey(t, db)
	if rows["test:2"].State != domain.OutboxMerged || rows["test:3"].State != domain.OutboxMerged {
		t.Fatalf("edits are %s and %s, want merged", rows["test:2"].State, rows["test:3"].State)
	}
}

// A thread is delivered in the order it was queued: nothing of it is
// claimed while an earlier row is pending (even not yet due) or sending.
// Other threads and other recipients go on.
func TestClaimKeepsThreadOrder(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	creator := threaded(3, "sample:1", 0)
	creator.To = domain.Recipient{Kind: domain.ToCreator, CreatorID: 7}
	mustEnqueue(t, db, threaded(1, "sample:1", 0), threaded(2, "sample:1", 0), creator, threaded(4, "sample:2", 0), message(5), message(6))
	got := mustClaim(t, db, t0, time.Minute, 5)
	keys := []string{}
	for _, o := range got {
		keys = append(keys, o.Key)
	}
	wantEqual(t, "first claim", keys, []string{"test:1", "test:3", "test:4", "test:5", "test:6"})
	for _, o := range got[1:] {
		if err := db.MarkSent(ctx, o, t0, ""); err != nil {
			t.Fatal(err)
		}
	}
	// test:1 fails for now and waits an hour: test:2 waits behind it.
	if _, err := db.MarkRetry(ctx, got[0], t0, t0.Add(time.Hour), "503", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, db, t0.Add(time.Minute), time.Minute, 0)
	got = mustClaim(t, db, t0.Add(time.Hour), time.Minute, 1)
	if got[0].Key != "test:1" {
		t.Fatalf("claimed %s, want test:1 before test:2", got[0].Key)
	}
	if err := db.MarkSent(ctx, got[0], t0.Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if got := mustClaim(t, db, t0.Add(time.Hour), time.Minute, 1); got[0].Key != "test:2" {
		t.Fatalf("claimed %s, want test:2", got[0].Key)
	}
}

// An edit of a message that failed for good is failed with the reason,
// and the rest of the thread goes on. Retrying the original re-queues it.
func TestEditOfFailedOriginalFailsAndFreesThread(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustEnqueue(t, db, threaded(1, "sample:1", 0))
	orig := mustClaim(t, db, t0, time.Minute, 1)[0]
	mustEnqueue(t, db, threaded(2, "sample:1", 1), threaded(3, "sample:1", 0))
	if err := db.MarkFailed(ctx, orig, "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	got := mustClaim(t, db, t0, time.Minute, 1)
	if got[0].Key != "test:3" {
		t.Fatalf("claimed %s, want test:3 (the edit fails, the thread goes on)", got[0].Key)
	}
	edit := byKey(t, db)["test:2"]
	if edit.State != domain.OutboxFailed || edit.LastError != "the message it edits was never delivered: channel_not_found" {
		t.Fatalf("edit is %s with %q, want failed with the original's reason", edit.State, edit.LastError)
	}

	again, err := db.RetryOutgoing(ctx, orig.ID, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.State != domain.OutboxPending || again.Attempts != 0 || !again.NextAttempt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("retried row is %s, %d attempts, next %v; want pending, 0, now", again.State, again.Attempts, again.NextAttempt)
	}
	if o := byKey(t, db)["test:2"]; o.State != domain.OutboxPending {
		t.Fatalf("the edit failed with its original is %s after the retry, want pending", o.State)
	}
}

func TestRetryOutgoingOnlyRetriesFailedRows(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustEnqueue(t, db, message(1))
	_, err := db.RetryOutgoing(ctx, 1, t0)
	wantKind(t, err, domain.KindConflict)
	wantMessage(t, err, "Outgoing message 1 is pending; only a failed message can be retried.")
	_, err = db.RetryOutgoing(ctx, 99, t0)
	wantKind(t, err, domain.KindNotFound)
}

// Rows of a surface the claimer has no sender for stay pending, untouched.
func TestClaimOnlyTakesTheCallersSurfaces(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	dm := message(2)
	dm.To = domain.Recipient{Kind: domain.ToCreator, CreatorID: 3}
	mustEnqueue(t, db, message(1), dm)
	got, err := db.ClaimOutgoing(ctx, t0, []domain.Surface{domain.SurfaceDiscord}, 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].Key != "test:2" {
		t.Fatalf("discord claim = %+v, %v; want test:2 only", got, err)
	}
	if o := byKey(t, db)["test:1"]; o.State != domain.OutboxPending || o.LastError != "" || !o.NextAttempt.Equal(t0) {
		t.Fatalf("slack row is %s (%q, next %v), want pending and untouched", o.State, o.LastError, o.NextAttempt)
	}
	if got, _ := db.ClaimOutgoing(ctx, t0, nil, 10, time.Minute); len(got) != 0 {
		t.Fatalf("a claim for no surface took %+v", got)
	}
}

// Transient errors are retried for retryFor from the first attempt; then
// the row fails with the last error.
func TestMarkRetryGivesUpAfterRetryFor(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustEnqueue(t, db, message(1))
	const retryFor = time.Hour
	for _, tc := range []struct {
		at     time.Duration
		gaveUp bool
	}{{0, false}, {30 * time.Minute, false}, {retryFor - time.Millisecond, false}, {retryFor, true}} {
		o := mustClaim(t, db, t0.Add(tc.at), time.Minute, 1)[0]
		gaveUp, err := db.MarkRetry(ctx, o, t0.Add(tc.at), t0.Add(tc.at), "503", retryFor)
		if err != nil {
			t.Fatal(err)
		}
		if gaveUp != tc.gaveUp {
			t.Fatalf("MarkRetry %v after the first attempt gave up = %v, want %v", tc.at, gaveUp, tc.gaveUp)
		}
	}
	o := mustRow(t, db, 1)
	if o.State != domain.OutboxFailed || o.LastError != "gave up after retrying for 1h0m0s: 503" || o.Attempts != 4 {
		t.Fatalf("row is %s after %d attempts with %q", o.State, o.Attempts, o.LastError)
	}
}

// A row whose sends never finish (the sender dies each time) is failed on
// the MaxLost-th lost lease.
func TestRowWhoseSendsAreLostIsFailed(t *testing.T) {
	db := mustOpen(t)
	mustEnqueue(t, db, message(1))
	now := t0
	for i := range sqlite.MaxLost {
		o := mustClaim(t, db, now, time.Minute, 1)[0]
		if o.Attempts != i {
			t.Fatalf("claim %d: %d attempts, want %d", i+1, o.Attempts, i)
		}
		now = now.Add(time.Minute)
	}
	mustClaim(t, db, now, time.Minute, 0)
	if o := mustRow(t, db, 1); o.State != domain.OutboxFailed || !strings.Contains(o.LastError, "never finished") {
		t.Fatalf("row is %s (%q), want failed: its sends never finished", o.State, o.LastError)
	}
}

// A row queued by a release that stored words instead of a notice still
// reads back, as a worded notice with its title, fields and buttons.
func TestWordedRowFromAnEarlierReleaseReadsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db := mustOpenPath(t, path)
	ctx := context.Background()
	legacy := `{"title":"Invitation I1","text":"Hi @maya!","fields":[{"label":"Commission rate","value":"15%"}],"buttons":[{"label":"Accept","action":"accept:1","style":"primary"}],"thread":"invitation:1","counts":true}`
	if _, err := rawDB(t, path).ExecContext(ctx, `INSERT INTO outbox (idem_key, surface, recipient, message, state, attempts, next_attempt, created_at) VALUES ('invitation:1', 'discord', 'creator:1', ?, 'pending', 0, 0, 0)`, legacy); err != nil {
		t.Fatal(err)
	}
	rows, err := db.ListOutgoing(ctx, domain.OutboxPending, 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("ListOutgoing = %v, %v", rows, err)
	}
	n := rows[0].Notice
	if n.Kind != domain.NoticeWorded || n.Worded == nil || n.Worded.Title != "Invitation I1" || len(n.Worded.Fields) != 1 || len(n.Worded.Buttons) != 1 {
		t.Fatalf("legacy row read as %+v", n)
	}
}
