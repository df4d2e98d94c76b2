package commands_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/store/storetest"
)

// reportFixture has invitations and samples in most states:
// invitations a accepted, b declined (a formula as reason), c expired,
// d pending, e withdrawn; samples completed, shipped, approved, rejected,
// requested; plans active, paused, ended.
type reportFixture struct {
	app       *commands.App
	db        storetest.Engine
	invs      map[string]commands.InvitationView
	completed int64
	shipped   int64
}

const formula = `=HYPERLINK("http://evil.example","click")`

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	app, db, clk := newApp(t)
	f := &reportFixture{app: app, db: db, invs: map[string]commands.InvitationView{}}
	for _, p := range []string{"P100", "P200", "P300"} {
		mustAddProduct(t, app, p, 10, "")
	}
	actors := map[string]domain.Actor{}
	for _, h := range []string{"a", "b", "c", "d", "e"} {
		_, actors[h] = mustAddCreator(t, app, h+"_creator")
		req := commands.InviteRequest{Name: "Spring launch", Creators: targets(t, h+"_creator"), Products: []string{"P100"}, Rate: 1500}
		if h == "c" {
			req.Expires = clk.Now().Add(day24)
		}
		f.invs[h] = mustInvite(t, app, req).Invitations[0]
	}
	_, err := app.AcceptInvitation(ctxb, actors["a"], f.invs["a"].ID)
	mustNil(t, err, "accept")
	_, err = app.DeclineInvitation(ctxb, actors["b"], f.invs["b"].ID, formula)
	mustNil(t, err, "decline")
	_, err = app.WithdrawInvitation(ctxb, dana, f.invs["e"].ID)
	mustNil(t, err, "withdraw")
	clk.Advance(2 * day24)
	_, err = app.ExpireDue(ctxb)
	mustNil(t, err, "ExpireDue")

	plan := mustSamplePlan(t, app, "Spring", false)
	paused := mustPlan(t, app, commands.PlanRequest{Name: "Paused", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}})
	_, err = app.PausePlan(ctxb, dana, paused.ID, "")
	mustNil(t, err, "pause")
	old := mustPlan(t, app, commands.PlanRequest{Name: "Old", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}})
	_, err = app.EndPlan(ctxb, dana, old.ID, "")
	mustNil(t, err, "end")

	in := commands.SampleInput{ProductID: "P200", PlanID: plan.ID}
	f.completed = mustRequest(t, app, actors["a"], in).ID
	mustApprove(t, app, f.completed)
	mustShip(t, app, f.completed)
	_, err = app.SubmitContent(ctxb, actors["a"], f.completed, "https://www.tiktok.com/@a_creator/video/7301234567890123456")
	mustNil(t, err, "content")

	f.shipped = mustRequest(t, app, actors["b"], in).ID
	// A manager whose chat name looks like a formula.
	_, err = app.ApproveSample(ctxb, domain.Actor{Role: domain.RoleManager, MemberID: "U_M3", Name: "+mallory"}, f.shipped)
	mustNil(t, err, "approve")
	_, err = app.ShipSample(ctxb, dana, f.shipped, "@SUM(1+1)")
	mustNil(t, err, "ship")

	mustApprove(t, app, mustRequest(t, app, actors["c"], in).ID)
	rejected := mustRequest(t, app, actors["d"], in).ID
	_, err = app.RejectSample(ctxb, erin, rejected, domain.RejectNotMatch, "")
	mustNil(t, err, "reject")
	mustRequest(t, app, actors["e"], in)
	return f
}

func TestReportCountsAndRates(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	r, err := f.app.Report(ctxb, dana)
	mustNil(t, err, "Report")
	wantInv := map[domain.InvitationState]int{"accepted": 1, "declined": 1, "expired": 1, "pending": 1, "withdrawn": 1}
	if !reflect.DeepEqual(r.Invitations, wantInv) {
		t.Errorf("invitations %v, want %v", r.Invitations, wantInv)
	}
	wantSamples := map[domain.SampleState]int{"completed": 1, "shipped": 1, "approved": 1, "rejected": 1, "requested": 1}
	if !reflect.DeepEqual(r.Samples, wantSamples) {
		t.Errorf("samples %v, want %v", r.Samples, wantSamples)
	}
	wantPlans := map[domain.PlanState]int{"active": 1, "paused": 1, "ended": 1}
	if !reflect.DeepEqual(r.Plans, wantPlans) {
		t.Errorf("plans %v, want %v", r.Plans, wantPlans)
	}
	// Accepted among answered or expired: 1 of 3. Posted among shipped: 1 of 2.
	if r.AcceptanceRate() != 33 || r.FulfilmentRate() != 50 || r.Shipped != 2 || r.Posted != 1 {
		t.Errorf("acceptance %d%%, fulfilment %d%% (%d/%d); want 33%% and 50%% (1/2)", r.AcceptanceRate(), r.FulfilmentRate(), r.Posted, r.Shipped)
	}
	if len(r.Returns) != 2 || r.Returns[0].ID != f.shipped || r.Returns[1].ID != f.completed {
		t.Errorf("returns %+v, want the shipped then the completed sample", r.Returns)
	}

	// An empty team has no rates yet.
	app, _, _ := newApp(t)
	r, err = app.Report(ctxb, erin)
	mustNil(t, err, "empty Report")
	if r.AcceptanceRate() != -1 || r.FulfilmentRate() != -1 {
		t.Errorf("empty report rates %d, %d; want -1", r.AcceptanceRate(), r.FulfilmentRate())
	}
	msg, _, err := grammar.New(app).Run(ctxb, dana, "report")
	mustNil(t, err, "Run report")
	if v, _ := fieldValue(msg, "Acceptance rate"); v != "none yet" {
		t.Errorf("empty report shows acceptance %q", v)
	}
}

// readCSV parses an export back and indexes its rows by the first column.
func readCSV(t *testing.T, b []byte, wantHeader []string, wantRows int) map[string]map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	mustNil(t, err, "parse CSV")
	if len(recs) == 0 || !reflect.DeepEqual(recs[0], wantHeader) {
		t.Fatalf("header %v, want %v", recs, wantHeader)
	}
	if len(recs)-1 != wantRows {
		t.Fatalf("%d rows, want %d", len(recs)-1, wantRows)
	}
	out := map[string]map[string]string{}
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		out[rec[0]] = row
	}
	return out
}

func TestExportInvitationsCSV(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	var buf bytes.Buffer
	n, err := f.app.ExportInvitations(ctxb, dana, &buf)
	mustNil(t, err, "ExportInvitations")
	if n != 5 {
		t.Errorf("exported %d invitations, want 5", n)
	}
	rows := readCSV(t, buf.Bytes(), []string{"id", "collaboration", "creator", "products", "commission_rate", "pending_rate", "pending_from",
		"state", "created_at", "responded_at", "expires_at", "decline_reason"}, 5)

	a := rows[f.invs["a"].Ref()]
	want := map[string]string{"collaboration": "Spring launch", "creator": "a_creator", "products": "P100", "commission_rate": "15%",
		"pending_rate": "", "state": "accepted", "created_at": ucStart.Format(time.RFC3339), "responded_at": ucStart.Format(time.RFC3339)}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("row %s %s = %q, want %q", f.invs["a"].Ref(), k, a[k], v)
		}
	}
	if got := rows[f.invs["c"].Ref()]; got["state"] != "expired" || got["responded_at"] != "" {
		t.Errorf("expired row %v", got)
	}
	if got := rows[f.invs["b"].Ref()]["decline_reason"]; got != "'"+formula {
		t.Errorf("decline_reason = %q, want the formula defused with a leading '", got)
	}
}

func TestExportSamplesCSV(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	var buf bytes.Buffer
	n, err := f.app.ExportSamples(ctxb, erin, &buf)
	mustNil(t, err, "ExportSamples")
	if n != 5 {
		t.Errorf("exported %d samples, want 5", n)
	}
	rows := readCSV(t, buf.Bytes(), []string{"id", "creator", "product", "quantity", "source", "state", "requested_at", "decided_by",
		"decided_at", "reject_reason", "reject_note", "shipped_at", "tracking", "due_at", "content_url", "completed_at", "address"}, 5)
	c := rows[fmt.Sprintf("S%d", f.completed)]
	for k, v := range map[string]string{"creator": "a_creator", "product": "P200", "quantity": "1", "source": `plan PL1 "Spring"`,
		"state": "completed", "decided_by": "erin", "tracking": "1Z999", "content_url": "https://www.tiktok.com/@a_creator/video/7301234567890123456",
		"address": testAddress} {
		if c[k] != v {
			t.Errorf("completed row %s = %q, want %q", k, c[k], v)
		}
	}
	for _, k := range []string{"requested_at", "decided_at", "shipped_at", "due_at", "completed_at"} {
		if _, err := time.Parse(time.RFC3339, c[k]); err != nil {
			t.Errorf("completed row %s = %q, not RFC 3339", k, c[k])
		}
	}
	s := rows[fmt.Sprintf("S%d", f.shipped)]
	if s["decided_by"] != "'+mallory" || s["tracking"] != "'@SUM(1+1)" {
		t.Errorf("formula-looking cells: decided_by %q, tracking %q; want a leading '", s["decided_by"], s["tracking"])
	}
	var rejected map[string]string
	for _, r := range rows {
		if r["state"] == "rejected" {
			rejected = r
		}
	}
	if rejected["reject_reason"] != "not_match" || rejected["shipped_at"] != "" {
		t.Errorf("rejected row %v", rejected)
	}
}

// A collaboration name is free text typed by a seller; the export must not
// hand it to a spreadsheet as a formula.
func TestExportInvitationsDefusesCollaborationName(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	mustAddCreator(t, app, "maya")
	mustInvite(t, app, commands.InviteRequest{Name: formula, Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500})
	var buf bytes.Buffer
	_, err := app.ExportInvitations(ctxb, dana, &buf)
	mustNil(t, err, "ExportInvitations")
	recs, err := csv.NewReader(&buf).ReadAll()
	mustNil(t, err, "parse CSV")
	if got := recs[1][1]; strings.HasPrefix(got, "=") {
		t.Fatalf("ExportInvitations writes the collaboration name %q as is, so a spreadsheet runs it as a formula", got)
	}
	if got := recs[1][1]; got != "'"+formula {
		t.Errorf("collaboration = %q, want %q", got, "'"+formula)
	}
}
