package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func TestMemberRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	dana := domain.Member{ID: "U024BE7LH", Name: "Dana", Role: domain.RoleSeller}
	sam := domain.Member{ID: "U01", Name: "Sam", Role: domain.RoleManager}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.PutMember(ctx, dana); err != nil {
			return err
		}
		return tx.PutMember(ctx, sam)
	})
	dana.Role, dana.Name = domain.RoleManager, "Dana K."
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.PutMember(ctx, dana) })

	wantEqual(t, "member", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Member, error) { return tx.Member(ctx, dana.ID) }), dana)
	wantEqual(t, "members", get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Member, error) { return tx.Members(ctx) }),
		[]domain.Member{sam, dana})
}

func TestCreatorRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	full := domain.Creator{
		Handle: "maya_glow", DiscordID: "123456789012345678", Followers: 120_000, AvgViews: 45_000, GMV30d: 1_250_000,
		Niche: "beauty", Categories: []string{"skincare", "makeup"}, TimeZone: "Europe/Paris", Reachable: true, Unanswered: 3,
		CreatedAt: t0,
	}
	bare := domain.Creator{Handle: "bare"} // zero times, no Discord, no categories, unreachable
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.InsertCreator(ctx, &full); err != nil {
			return err
		}
		return tx.InsertCreator(ctx, &bare)
	})
	if full.ID == 0 || bare.ID == 0 || full.ID == bare.ID {
		t.Fatalf("IDs not set: %d, %d", full.ID, bare.ID)
	}
	wantEqual(t, "by id", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctx, full.ID) }), full)
	wantEqual(t, "by handle", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) {
		return tx.CreatorByHandle(ctx, "@Maya_Glow")
	}), full)
	wantEqual(t, "by discord", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) {
		return tx.CreatorByDiscordID(ctx, full.DiscordID)
	}), full)
	wantEqual(t, "bare", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctx, bare.ID) }), bare)

	// Linking Discord later, and unlinking again.
	bare.DiscordID, bare.Categories, bare.Unanswered = "223456789012345678", []string{"food"}, 1
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.UpdateCreator(ctx, bare); err != nil {
			return err
		}
		return tx.AddUnanswered(ctx, bare.ID, 1)
	})
	wantEqual(t, "updated", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctx, bare.ID) }), bare)
	bare.DiscordID = ""
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.UpdateCreator(ctx, bare) })
	wantEqual(t, "unlinked", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctx, bare.ID) }), bare)
}

func TestProductRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	p := domain.Product{ID: "P100", Title: "Lip oil", Price: 2490, Group: "beauty", SampleStock: 12}
	q := domain.Product{ID: "A7", Title: "Snack box"}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.InsertProduct(ctx, p); err != nil {
			return err
		}
		return tx.InsertProduct(ctx, q)
	})
	wantEqual(t, "product", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Product, error) { return tx.Product(ctx, "P100") }), p)
	p.Title, p.Price, p.Group, p.SampleStock = "Lip oil 2", 1990, "makeup", 3
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.UpdateProduct(ctx, p) })
	wantEqual(t, "products by id", get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Product, error) { return tx.ListProducts(ctx) }),
		[]domain.Product{q, p})
}

func fullOffer() domain.SampleOffer {
	return domain.SampleOffer{
		PerCreator: 2, Stock: 40, Reserved: 3, WindowStart: t0, WindowEnd: t0.AddDate(0, 1, 0), ApprovalExempt: true,
		Requirements: domain.Requirements{
			MinFollowers: 5000, MinAvgViews: 1200, MinGMV30d: 50_000, Categories: []string{"beauty", "skincare"},
			PostWithinDays: 21, Terms: "Tag @shop and use #ad.",
		},
	}
}

func TestOfferAndCollaborationRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustProduct(t, db, "P1", 0)
	mustProduct(t, db, "P2", 0)

	offer := fullOffer()
	bareOffer := domain.SampleOffer{PerCreator: 1, Requirements: domain.Requirements{PostWithinDays: 14}}
	withSample := domain.Collaboration{
		Name: "Spring glow", Message: "Hi! We love your videos.", ContactEmail: "partners@shop.com",
		ProductIDs: []string{"P2", "P1"}, Sample: &offer, ExpiresAt: t0.AddDate(0, 0, 30), CreatedBy: "U1", CreatedAt: t0,
	}
	// The offer is inserted by InsertCollaboration when the caller did not.
	unsaved := bareOffer
	lazy := domain.Collaboration{ProductIDs: []string{"P1"}, Sample: &unsaved}
	plain := domain.Collaboration{ProductIDs: []string{"P1"}}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.InsertOffer(ctx, &offer); err != nil {
			return err
		}
		if err := tx.InsertCollaboration(ctx, &withSample); err != nil {
			return err
		}
		if err := tx.InsertCollaboration(ctx, &lazy); err != nil {
			return err
		}
		return tx.InsertCollaboration(ctx, &plain)
	})
	if unsaved.ID == 0 {
		t.Fatal("unsaved offer got no ID")
	}
	wantEqual(t, "offer", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleOffer, error) { return tx.Offer(ctx, offer.ID) }), offer)
	wantEqual(t, "collaboration", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Collaboration, error) {
		return tx.Collaboration(ctx, withSample.ID)
	}), withSample)
	wantEqual(t, "lazy", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Collaboration, error) {
		return tx.Collaboration(ctx, lazy.ID)
	}), lazy)
	wantEqual(t, "plain", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Collaboration, error) {
		return tx.Collaboration(ctx, plain.ID)
	}), plain)
}

func TestInvitationRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	c := mustCreator(t, db, "maya_glow")
	mustProduct(t, db, "P1", 0)
	collab := mustCollaboration(t, db, "P1")

	i := domain.Invitation{
		CollaborationID: collab.ID, CreatorID: c.ID, Rate: 1500, PendingRate: 1200, PendingFrom: t0.Add(15 * time.Hour),
		State: domain.InvitationPending, Nudges: 2, CreatedAt: t0, ExpiresAt: t0.AddDate(0, 0, 30),
	}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertInvitation(ctx, &i) })
	wantEqual(t, "invitation", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Invitation, error) { return tx.Invitation(ctx, i.ID) }), i)

	if err := i.Decline("Too busy this month", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	i.SettleRate(t0.Add(16 * time.Hour))
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.UpdateInvitation(ctx, i) })
	i.Version++ // every update raises it
	got := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Invitation, error) { return tx.Invitation(ctx, i.ID) })
	wantEqual(t, "declined", got, i)
	if got.PendingRate != 0 || !got.PendingFrom.IsZero() {
		t.Fatalf("settled rate kept a pending part: %+v", got)
	}
}

func TestPlanRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	offer := fullOffer()
	p := domain.Plan{
		Name: "Summer snacks",
		Rules: []domain.CommissionRule{
			{Scope: domain.ScopeProduct, Target: "P100", Rate: 1200},
			{Scope: domain.ScopeGroup, Target: "snacks", Rate: 800},
			{Scope: domain.ScopeAll, Rate: 500},
		},
		Sample: &offer, StartsAt: t0, EndsAt: t0.AddDate(0, 2, 0), State: domain.PlanActive, CreatedBy: "U1", CreatedAt: t0,
	}
	open := domain.Plan{Name: "Evergreen", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 100}}, State: domain.PlanPaused}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.InsertOffer(ctx, &offer); err != nil {
			return err
		}
		if err := tx.InsertPlan(ctx, &p); err != nil {
			return err
		}
		return tx.InsertPlan(ctx, &open)
	})
	wantEqual(t, "plan", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Plan, error) { return tx.Plan(ctx, p.ID) }), p)
	wantEqual(t, "open-ended", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Plan, error) { return tx.Plan(ctx, open.ID) }), open)
	wantEqual(t, "by name", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Plan, error) {
		return tx.PlanByName(ctx, "summer SNACKS")
	}), p)

	if err := p.To(domain.PlanEnded); err != nil {
		t.Fatal(err)
	}
	p.EndsAt = t0.Add(time.Hour)
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.UpdatePlan(ctx, p) })
	p.Version++ // every update raises it
	wantEqual(t, "ended", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Plan, error) { return tx.Plan(ctx, p.ID) }), p)
}

func TestSampleAndContentRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db := mustOpenPath(t, path)
	c := mustCreator(t, db, "maya_glow")
	mustProduct(t, db, "P100", 10)
	offer := mustOffer(t, db, 0)
	collab := mustCollaboration(t, db, "P100")
	inv := mustInvitation(t, db, collab.ID, c.ID, domain.InvitationAccepted, t0, t0.AddDate(0, 0, 30))
	plan := domain.Plan{Name: "P", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}, State: domain.PlanActive}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertPlan(ctx, &plan) })

	full := domain.SampleRequest{
		CreatorID: c.ID, ProductID: "P100", OfferID: offer.ID, PlanID: plan.ID, InvitationID: inv.ID, Quantity: 2,
		State: domain.SampleCompleted, Note: "For my spring haul", RequestedAt: t0, DecidedBy: "Dana", DecidedAt: t0.Add(time.Hour),
		ShippedAt: t0.Add(24 * time.Hour), Tracking: "1Z999", DueAt: t0.AddDate(0, 0, 15), Extended: true,
		ContentURL: "https://www.tiktok.com/@maya_glow/video/7301234567890123456", CompletedAt: t0.AddDate(0, 0, 10), PostWithinDays: 14,
	}
	rejected := domain.SampleRequest{
		CreatorID: c.ID, ProductID: "P100", Quantity: 1, State: domain.SampleRejected, RequestedAt: t0,
		DecidedBy: "Sam", DecidedAt: t0, RejectReason: domain.RejectOther, RejectNote: "Wrong region",
	}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.InsertSample(ctx, &full); err != nil {
			return err
		}
		return tx.InsertSample(ctx, &rejected)
	})
	wantEqual(t, "full", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleRequest, error) {
		return tx.Sample(ctx, full.ID)
	}), full)
	wantEqual(t, "rejected", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleRequest, error) {
		return tx.Sample(ctx, rejected.ID)
	}), rejected)

	open := domain.SampleRequest{CreatorID: c.ID, ProductID: "P100", Quantity: 1, State: domain.SampleRequested, RequestedAt: t0}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertSample(ctx, &open) })
	if err := open.Approve("Dana", t0); err != nil {
		t.Fatal(err)
	}
	if err := open.Ship("TRACK1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.UpdateSample(ctx, open) })
	open.Version++ // every update raises it
	wantEqual(t, "shipped", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleRequest, error) {
		return tx.Sample(ctx, open.ID)
	}), open)

	content := domain.Content{SampleID: full.ID, CreatorID: c.ID, URL: full.ContentURL, Kind: domain.ContentVideo, SubmittedAt: t0}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertContent(ctx, &content) })
	if content.ID == 0 {
		t.Fatal("content ID not set")
	}
	var got domain.Content
	var submitted int64
	err := rawDB(t, path).QueryRow(`SELECT id, sample_id, creator_id, url, kind, submitted_at FROM contents WHERE id = ?`, content.ID).
		Scan(&got.ID, &got.SampleID, &got.CreatorID, &got.URL, &got.Kind, &submitted)
	if err != nil {
		t.Fatal(err)
	}
	got.SubmittedAt = time.UnixMilli(submitted).UTC()
	wantEqual(t, "content", got, content)
}

func TestEventsAndOutgoingRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	e := domain.Event{At: t0, Actor: "member:U1", Kind: "sample.approved", Subject: "sample:4", Detail: "Dana approved S4."}
	undated := domain.Event{Actor: "system", Kind: "invitation.expired", Subject: "invitation:2"}
	out := domain.Outgoing{
		Surface: domain.SurfaceDiscord,
		To:      domain.Recipient{Kind: domain.ToCreator, CreatorID: 7},
		Notice: domain.Notice{Kind: domain.NoticeSampleApproved, By: "dana", Text: "Your sample of P100 is on its way.",
			Product: &domain.Product{ID: "P100", Title: "Glow Serum"}, Sample: &domain.SampleRequest{ID: 4, State: domain.SampleApproved}},
		Thread: "sample:4", Replaces: "sample:4:dm", Counts: true,
		Key: "sample:4:approved", CreatedAt: t0,
	}
	member := domain.Outgoing{To: domain.Recipient{Kind: domain.ToMember, MemberID: "U1"}, Notice: domain.Notice{Kind: domain.NoticeUnreachable, Text: "hi"}, Key: "m"}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.AddEvent(ctx, e); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, undated); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, out); err != nil {
			return err
		}
		_, err := tx.Enqueue(ctx, member)
		return err
	})

	events := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Event, error) { return tx.Events(ctx, "", 0) })
	e.ID, undated.ID, undated.At = 1, 2, t0 // undated events take the store's clock
	wantEqual(t, "events newest first", events, []domain.Event{undated, e})

	rows, err := db.ListOutgoing(ctx, domain.OutboxPending, 0)
	if err != nil {
		t.Fatal(err)
	}
	out.ID, out.State, out.NextAttempt = 1, domain.OutboxPending, t0
	member.ID, member.State, member.Surface, member.CreatedAt, member.NextAttempt = 2, domain.OutboxPending, domain.SurfaceSlack, t0, t0
	wantEqual(t, "outgoing", rows, []domain.Outgoing{out, member})
}

func TestNotFound(t *testing.T) {
	db := mustOpen(t)
	tests := []struct {
		name string
		call func(context.Context, commands.Tx) error
		msg  string
	}{
		{"member", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Member(ctx, "U9"); return err }, "No team member U9."},
		{"creator", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Creator(ctx, 7); return err }, "No creator with ID 7 on the roster."},
		{"creator by handle", func(ctx context.Context, tx commands.Tx) error {
			_, err := tx.CreatorByHandle(ctx, "@Nobody_Here")
			return err
		}, "No creator @nobody_here on the roster."},
		{"creator by discord", func(ctx context.Context, tx commands.Tx) error {
			_, err := tx.CreatorByDiscordID(ctx, "123456789012345678")
			return err
		}, "No creator on the roster is linked to Discord user 123456789012345678."},
		{"product", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Product(ctx, "P100"); return err }, "No product P100 in the catalog."},
		{"offer", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Offer(ctx, 3); return err }, "No sample offer 3."},
		{"collaboration", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Collaboration(ctx, 3); return err }, "No collaboration 3."},
		{"invitation", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Invitation(ctx, 4); return err }, "No invitation I4."},
		{"plan", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Plan(ctx, 3); return err }, "No plan PL3."},
		{"plan by name", func(ctx context.Context, tx commands.Tx) error { _, err := tx.PlanByName(ctx, "Summer"); return err }, `No plan named "Summer".`},
		{"sample", func(ctx context.Context, tx commands.Tx) error { _, err := tx.Sample(ctx, 12); return err }, "No sample request S12."},
		{"update creator", func(ctx context.Context, tx commands.Tx) error {
			return tx.UpdateCreator(ctx, domain.Creator{ID: 7, Handle: "x1"})
		}, "No creator with ID 7 on the roster."},
		{"update product", func(ctx context.Context, tx commands.Tx) error {
			return tx.UpdateProduct(ctx, domain.Product{ID: "P100", Title: "x"})
		}, "No product P100 in the catalog."},
		{"update invitation", func(ctx context.Context, tx commands.Tx) error {
			return tx.UpdateInvitation(ctx, domain.Invitation{ID: 4, Rate: 1000, State: domain.InvitationPending})
		}, "No invitation I4."},
		{"update plan", func(ctx context.Context, tx commands.Tx) error {
			return tx.UpdatePlan(ctx, domain.Plan{ID: 3, State: domain.PlanPaused})
		}, "No plan PL3."},
		{"update sample", func(ctx context.Context, tx commands.Tx) error {
			return tx.UpdateSample(ctx, domain.SampleRequest{ID: 12, Quantity: 1, State: domain.SampleExpired})
		}, "No sample request S12."},
		{"reserve", func(ctx context.Context, tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", 0, 1) }, "No product P100 in the catalog."},
		{"release", func(ctx context.Context, tx commands.Tx) error { return tx.ReleaseStock(ctx, "P100", 0, 1) }, "No product P100 in the catalog."},
		{"invitation of unknown creator", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertInvitation(ctx, &domain.Invitation{CollaborationID: 1, CreatorID: 99, Rate: 1000, State: domain.InvitationPending})
		}, "No creator with ID 99 on the roster."},
		{"collaboration of unknown product", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertCollaboration(ctx, &domain.Collaboration{ProductIDs: []string{"P1", "P404"}})
		}, "No product P404 in the catalog."},
		{"sample of unknown product", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertSample(ctx, &domain.SampleRequest{CreatorID: 1, ProductID: "P404", Quantity: 1, State: domain.SampleRequested})
		}, "No product P404 in the catalog."},
		{"sample through unknown plan", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertSample(ctx, &domain.SampleRequest{CreatorID: 1, ProductID: "P1", PlanID: 3, Quantity: 1, State: domain.SampleRequested})
		}, "No plan PL3."},
	}
	// Fixtures the "unknown" cases need to get past their other references.
	c := mustCreator(t, db, "maya_glow")
	if c.ID != 1 {
		t.Fatalf("first creator ID = %d", c.ID)
	}
	mustProduct(t, db, "P1", 0)
	mustCollaboration(t, db, "P1")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(context.Background(), func(tx commands.Tx) error { return tt.call(context.Background(), tx) })
			wantKind(t, err, domain.KindNotFound)
			wantMessage(t, err, tt.msg)
		})
	}
}

func TestConflicts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	maya := domain.Creator{Handle: "maya_glow", DiscordID: "123456789012345678", Reachable: true}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertCreator(ctx, &maya) })
	other := mustCreator(t, db, "other")
	mustProduct(t, db, "P100", 1)
	collab := mustCollaboration(t, db, "P100")
	mustInvitation(t, db, collab.ID, maya.ID, domain.InvitationPending, t0, t0.AddDate(0, 0, 30))
	open := domain.SampleRequest{CreatorID: maya.ID, ProductID: "P100", Quantity: 1, State: domain.SampleRequested, RequestedAt: t0}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertSample(ctx, &open) })
	plan := domain.Plan{Name: "Summer", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}, State: domain.PlanActive}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertPlan(ctx, &plan) })

	tests := []struct {
		name string
		call func(context.Context, commands.Tx) error
		msg  string
	}{
		{"handle", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertCreator(ctx, &domain.Creator{Handle: "maya_glow"})
		}, "Creator @maya_glow is already on the roster."},
		{"handle on update", func(ctx context.Context, tx commands.Tx) error {
			o := other
			o.Handle = "maya_glow"
			return tx.UpdateCreator(ctx, o)
		}, "Creator @maya_glow is already on the roster."},
		{"discord id", func(ctx context.Context, tx commands.Tx) error {
			o := other
			o.DiscordID = maya.DiscordID
			return tx.UpdateCreator(ctx, o)
		}, "Discord user 123456789012345678 is already linked to @maya_glow."},
		{"product", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertProduct(ctx, domain.Product{ID: "P100", Title: "Again"})
		}, "Product P100 is already in the catalog."},
		{"invitation", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertInvitation(ctx, &domain.Invitation{CollaborationID: collab.ID, CreatorID: maya.ID, Rate: 1000, State: domain.InvitationPending})
		}, "@maya_glow is already invited to this collaboration."},
		{"second open sample", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertSample(ctx, &domain.SampleRequest{CreatorID: maya.ID, ProductID: "P100", Quantity: 1, State: domain.SampleRequested})
		}, "You already have sample request S1 for this product (requested)."},
		{"live plan name", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertPlan(ctx, &domain.Plan{Name: "SUMMER", Rules: plan.Rules, State: domain.PlanPaused})
		}, `A plan named "SUMMER" is already active or paused; pick another name or end that plan first.`},
		{"rule twice", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertPlan(ctx, &domain.Plan{Name: "Twice", State: domain.PlanActive, Rules: []domain.CommissionRule{
				{Scope: domain.ScopeGroup, Target: "snacks", Rate: 500}, {Scope: domain.ScopeGroup, Target: "snacks", Rate: 600},
			}})
		}, "Commission rates: group:snacks is set twice."},
		{"product listed twice", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertCollaboration(ctx, &domain.Collaboration{ProductIDs: []string{"P100", "P100"}})
		}, "Products: P100 is listed twice."},
		{"out of stock", func(ctx context.Context, tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", 0, 2) }, "Only 1 left of product P100's sample stock."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(context.Background(), func(tx commands.Tx) error { return tt.call(context.Background(), tx) })
			wantKind(t, err, domain.KindConflict)
			wantMessage(t, err, tt.msg)
		})
	}

	// An ended plan frees its name; a rejected sample frees the product.
	if err := plan.To(domain.PlanEnded); err != nil {
		t.Fatal(err)
	}
	again := domain.Plan{Name: "summer", Rules: plan.Rules, State: domain.PlanActive}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.UpdatePlan(ctx, plan); err != nil {
			return err
		}
		return tx.InsertPlan(ctx, &again)
	})
	wantEqual(t, "name finds the live plan", get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Plan, error) {
		return tx.PlanByName(ctx, "Summer")
	}).ID, again.ID)
	if err := open.Reject("Sam", domain.RejectNotMatch, "", t0); err != nil {
		t.Fatal(err)
	}
	next := domain.SampleRequest{CreatorID: maya.ID, ProductID: "P100", Quantity: 1, State: domain.SampleRequested}
	mustUpdate(t, db, func(tx commands.Tx) error {
		if err := tx.UpdateSample(ctx, open); err != nil {
			return err
		}
		return tx.InsertSample(ctx, &next)
	})
}

func TestInvalidValuesCaughtByConstraints(t *testing.T) {
	db := mustOpen(t)
	c := mustCreator(t, db, "maya_glow")
	mustProduct(t, db, "P1", 0)
	collab := mustCollaboration(t, db, "P1")
	tests := []struct {
		name  string
		call  func(context.Context, commands.Tx) error
		kind  domain.Kind
		field string
	}{
		{"rate too high", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertInvitation(ctx, &domain.Invitation{CollaborationID: collab.ID, CreatorID: c.ID, Rate: 8001, State: domain.InvitationPending})
		}, domain.KindInvalid, "commission_rate"},
		{"plan rate too low", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertPlan(ctx, &domain.Plan{Name: "Low", State: domain.PlanActive, Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 99}}})
		}, domain.KindInvalid, "commission_rate"},
		{"negative stock", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertProduct(ctx, domain.Product{ID: "P2", Title: "x", SampleStock: -1})
		}, domain.KindConflict, "stock"},
		{"offer over-reserved", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertOffer(ctx, &domain.SampleOffer{PerCreator: 1, Stock: 2, Reserved: 3, Requirements: domain.Requirements{PostWithinDays: 14}})
		}, domain.KindConflict, "stock"},
		{"unknown state", func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertInvitation(ctx, &domain.Invitation{CollaborationID: collab.ID, CreatorID: c.ID, Rate: 1000, State: "maybe"})
		}, domain.KindConflict, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(context.Background(), func(tx commands.Tx) error { return tt.call(context.Background(), tx) })
			wantKind(t, err, tt.kind)
			if got := domain.ErrorField(err); got != tt.field {
				t.Fatalf("field = %q, want %q", got, tt.field)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	creators := map[string]domain.Creator{}
	for _, c := range []domain.Creator{
		{Handle: "zoe", Followers: 500, Niche: "beauty"},
		{Handle: "amy", Followers: 50_000, Niche: "food", Categories: []string{"beauty"}},
		{Handle: "max", Followers: 80_000, Niche: "tech"},
		{Handle: "bea", Followers: 90_000, Niche: "beauty"},
	} {
		mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertCreator(ctx, &c) })
		creators[c.Handle] = c
	}
	handles := func(f commands.CreatorFilter) []string {
		list := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Creator, error) { return tx.ListCreators(ctx, f) })
		var out []string
		for _, c := range list {
			out = append(out, c.Handle)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    commands.CreatorFilter
		want []string
	}{
		{"all by handle", commands.CreatorFilter{}, []string{"amy", "bea", "max", "zoe"}},
		{"niche or category", commands.CreatorFilter{Niche: "Beauty"}, []string{"amy", "bea", "zoe"}},
		{"min followers", commands.CreatorFilter{MinFollowers: 60_000}, []string{"bea", "max"}},
		{"both and limit", commands.CreatorFilter{Niche: "beauty", MinFollowers: 1000, Limit: 1}, []string{"amy"}},
	} {
		t.Run("creators/"+tt.name, func(t *testing.T) { wantEqual(t, "handles", handles(tt.f), tt.want) })
	}

	mustProduct(t, db, "P1", 0)
	mustProduct(t, db, "P2", 0)
	c1, c2 := mustCollaboration(t, db, "P1"), mustCollaboration(t, db, "P2")
	amy, bea := creators["amy"].ID, creators["bea"].ID
	i1 := mustInvitation(t, db, c1.ID, amy, domain.InvitationPending, t0, t0.Add(time.Hour))
	i2 := mustInvitation(t, db, c1.ID, bea, domain.InvitationAccepted, t0.Add(time.Minute), t0.Add(time.Hour))
	i3 := mustInvitation(t, db, c2.ID, amy, domain.InvitationPending, t0.Add(2*time.Minute), t0.Add(3*time.Hour))
	ids := func(f commands.InvitationFilter) []int64 {
		list := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Invitation, error) {
			return tx.ListInvitations(ctx, f)
		})
		var out []int64
		for _, i := range list {
			out = append(out, i.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    commands.InvitationFilter
		want []int64
	}{
		{"all newest first", commands.InvitationFilter{}, []int64{i3.ID, i2.ID, i1.ID}},
		{"creator", commands.InvitationFilter{CreatorID: amy}, []int64{i3.ID, i1.ID}},
		{"collaboration", commands.InvitationFilter{CollaborationID: c1.ID}, []int64{i2.ID, i1.ID}},
		{"states", commands.InvitationFilter{States: []domain.InvitationState{domain.InvitationAccepted, domain.InvitationDeclined}}, []int64{i2.ID}},
		{"expires before: pending only", commands.InvitationFilter{ExpiresBefore: t0.Add(2 * time.Hour)}, []int64{i1.ID}},
		{"expiry is strict", commands.InvitationFilter{ExpiresBefore: t0.Add(time.Hour)}, nil},
		{"limit", commands.InvitationFilter{Limit: 2}, []int64{i3.ID, i2.ID}},
	} {
		t.Run("invitations/"+tt.name, func(t *testing.T) { wantEqual(t, "ids", ids(tt.f), tt.want) })
	}
	if n := get(t, db, func(ctx context.Context, tx commands.Tx) (int, error) {
		return tx.CountInvitationsSince(ctx, t0.Add(time.Minute))
	}); n != 2 {
		t.Fatalf("CountInvitationsSince = %d, want 2", n)
	}

	rules := []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}
	for _, p := range []domain.Plan{
		{Name: "A", Rules: rules, State: domain.PlanActive},
		{Name: "B", Rules: rules, State: domain.PlanPaused},
		{Name: "C", Rules: rules, State: domain.PlanEnded},
		{Name: "D", Rules: rules, State: domain.PlanActive},
	} {
		mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertPlan(ctx, &p) })
	}
	names := func(states ...domain.PlanState) string {
		list := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Plan, error) { return tx.ListPlans(ctx, states...) })
		var s string
		for _, p := range list {
			s += p.Name
		}
		return s
	}
	wantEqual(t, "all plans", names(), "DCBA")
	wantEqual(t, "live plans", names(domain.PlanActive, domain.PlanPaused), "DBA")
	wantEqual(t, "ended plans", names(domain.PlanEnded), "C")

	samples := []domain.SampleRequest{
		{CreatorID: amy, ProductID: "P1", Quantity: 1, State: domain.SampleRequested},
		{CreatorID: amy, ProductID: "P2", Quantity: 1, State: domain.SampleShipped},
		{CreatorID: bea, ProductID: "P1", Quantity: 1, State: domain.SampleRejected},
		{CreatorID: bea, ProductID: "P1", Quantity: 1, State: domain.SampleApproved},
	}
	for i := range samples {
		mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertSample(ctx, &samples[i]) })
	}
	sids := func(f commands.SampleFilter) []int64 {
		list := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.SampleRequest, error) {
			return tx.ListSamples(ctx, f)
		})
		var out []int64
		for _, s := range list {
			out = append(out, s.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    commands.SampleFilter
		want []int64
	}{
		{"all newest first", commands.SampleFilter{}, []int64{4, 3, 2, 1}},
		{"creator", commands.SampleFilter{CreatorID: bea}, []int64{4, 3}},
		{"product", commands.SampleFilter{ProductID: "P1"}, []int64{4, 3, 1}},
		{"open states", commands.SampleFilter{States: domain.OpenSampleStates}, []int64{4, 2, 1}},
		{"creator, product and limit", commands.SampleFilter{CreatorID: bea, ProductID: "P1", Limit: 1}, []int64{4}},
	} {
		t.Run("samples/"+tt.name, func(t *testing.T) { wantEqual(t, "ids", sids(tt.f), tt.want) })
	}

	mustUpdate(t, db, func(tx commands.Tx) error {
		for _, s := range []string{"sample:1", "plan:2", "sample:1", "sample:1"} {
			if err := tx.AddEvent(ctx, domain.Event{At: t0, Actor: "system", Kind: "k", Subject: s}); err != nil {
				return err
			}
		}
		return nil
	})
	events := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Event, error) {
		return tx.Events(ctx, "sample:1", 2)
	})
	if len(events) != 2 || events[0].ID != 4 || events[1].ID != 3 {
		t.Fatalf("Events(sample:1, 2) = %+v, want IDs 4 and 3", events)
	}
	if all := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Event, error) { return tx.Events(ctx, "", 0) }); len(all) != 4 {
		t.Fatalf("Events(\"\", 0) has %d, want 4", len(all))
	}
}
