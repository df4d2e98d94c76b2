package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// AddCreator puts a creator on the roster.
func (a *App) AddCreator(ctx context.Context, actor domain.Actor, c domain.Creator) (domain.Creator, error) {
	if err := actor.RequireTeam("add creators"); err != nil {
		return c, err
	}
	if err := validateCreator(&c); err != nil {
		return c, err
	}
	now := a.now()
	c.CreatedAt, c.Reachable = now, true
	err := a.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertCreator(ctx, &c); err != nil {
			return withUpdateHint(err, fmt.Sprintf("To change it: creator set %s followers=.. discord=.. (any of the add options).", c.At()))
		}
		return recordCreatorAdded(ctx, tx, now, actor, c)
	})
	return c, err
}

// withUpdateHint tells a seller adding what already exists how to change
// it instead.
func withUpdateHint(err error, hint string) error {
	if domain.ErrorKind(err) != domain.KindConflict {
		return err
	}
	return &domain.Error{Kind: domain.KindConflict, Field: domain.ErrorField(err), Err: err,
		Message: domain.ErrorMessage(err) + " " + hint}
}

// validateCreator adds to the domain's checks the one that needs the zone
// database: a time zone that does not exist would break every reminder.
func validateCreator(c *domain.Creator) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.TimeZone != "" {
		if _, err := loadLocation(c.TimeZone); err != nil {
			return domain.Invalidf("timezone", "Time zone must be an IANA zone like Europe/Paris (got %q)", c.TimeZone)
		}
	}
	return nil
}

// ImportResult counts what an import did. A row equal to what is stored
// is Unchanged, not Updated: a re-imported file should say it changed nothing.
type ImportResult struct {
	Added, Updated, Unchanged int
}

// ImportCreators adds or updates roster creators from parsed CSV rows, all
// or nothing: one bad row stores none of the file. Rows are matched by
// handle; an update changes only the cells each row filled (cols, one per
// row; nil: all) and keeps the creator's outreach history.
func (a *App) ImportCreators(ctx context.Context, actor domain.Actor, rows []domain.Creator, cols []Columns) (ImportResult, error) {
	var res ImportResult
	if err := actor.RequireTeam("import creators"); err != nil {
		return res, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		res = ImportResult{}
		for i, c := range rows {
			line := rowLine(cols, i)
			if err := validateCreator(&c); err != nil {
				return atLine(line, err)
			}
			old, err := tx.CreatorByHandle(ctx, c.Handle)
			switch {
			case err == nil:
				c.ID, c.CreatedAt, c.Unanswered, c.Reachable = old.ID, old.CreatedAt, old.Unanswered, old.Reachable
				c.Address = old.Address       // the CSV has no address column
				c.ArchivedAt = old.ArchivedAt // restoring is "creator restore", with its event
				keepCreatorColumns(&c, old, rowColumns(cols, i))
				if c.DiscordID == "" {
					c.DiscordID = old.DiscordID
				} else if c.DiscordID != old.DiscordID {
					c.Reachable = true // a new account gets a fresh chance
				}
				changed := creatorChanges(old, c)
				if len(changed) == 0 {
					res.Unchanged++
					continue
				}
				if err := tx.UpdateCreator(ctx, c); err != nil {
					return atLine(line, err)
				}
				// As "creator set" words it, so the history reads the same.
				if err := record(ctx, tx, now, actor, "creator.changed", subject("creator", c.ID), "%s", strings.Join(changed, ", ")); err != nil {
					return err
				}
				if c.DiscordID != old.DiscordID {
					// Messages held for the old account go to the new one now.
					if _, err := tx.WakeOutgoing(ctx, toCreator(c.ID), now); err != nil {
						return err
					}
				}
				res.Updated++
			case domain.ErrorKind(err) == domain.KindNotFound:
				c.CreatedAt, c.Reachable = now, true
				if err := tx.InsertCreator(ctx, &c); err != nil {
					return atLine(line, err)
				}
				// As "creator add" words it.
				if err := recordCreatorAdded(ctx, tx, now, actor, c); err != nil {
					return err
				}
				res.Added++
			default:
				return err
			}
		}
		return record(ctx, tx, now, actor, "creator.imported", "roster", "imported %d creators (%d new, %d updated, %d unchanged)", len(rows), res.Added, res.Updated, res.Unchanged)
	})
	return res, err
}

// recordCreatorAdded and recordProductAdded write an addition's audit
// event, the same whether it came from the console, Slack or an import.
func recordCreatorAdded(ctx context.Context, tx Tx, now time.Time, actor domain.Actor, c domain.Creator) error {
	return record(ctx, tx, now, actor, "creator.added", subject("creator", c.ID), "added %s%s", c.At(), addedFollowers(c.Followers))
}

func recordProductAdded(ctx context.Context, tx Tx, now time.Time, actor domain.Actor, p domain.Product) error {
	return record(ctx, tx, now, actor, "product.added", "product:"+p.ID, "added %s %q, %s in stock", p.ID, p.Title, plural(p.SampleStock, "sample", "samples"))
}

// addedFollowers is " (52000 followers)" for the trail, nothing when the
// count is not known.
func addedFollowers(n int64) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%s)", plural(int(n), "follower", "followers"))
}

// ProductView is a product as added, with what a seller should know: the
// live plans a group or all-products rule enrols it in at once.
type ProductView struct {
	domain.Product
	Notes []string
}

// AddProduct puts a product in the catalog.
func (a *App) AddProduct(ctx context.Context, actor domain.Actor, p domain.Product) (ProductView, error) {
	v := ProductView{Product: p}
	if err := actor.RequireTeam("add products"); err != nil {
		return v, err
	}
	if err := p.Validate(); err != nil {
		return v, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertProduct(ctx, p); err != nil {
			return withUpdateHint(err, fmt.Sprintf("To change it: product set %s title=\"..\" price=.. group=.. stock=N.", p.ID))
		}
		v = ProductView{Product: p}
		live, err := tx.ListPlans(ctx, domain.PlanActive, domain.PlanPaused)
		if err != nil {
			return err
		}
		for _, pl := range live {
			if r, ok := pl.RateFor(p); ok {
				v.Notes = append(v.Notes, fmt.Sprintf("It joins plan %s %q at %s.", pl.Ref(), pl.Name, r.Rate))
			}
		}
		return recordProductAdded(ctx, tx, now, actor, p)
	})
	return v, err
}

// ImportProducts adds or updates catalog products from parsed CSV rows, all
// or nothing; an update changes only the cells each row filled (cols, one
// per row; nil: all), so a price list without stock leaves stock alone.
func (a *App) ImportProducts(ctx context.Context, actor domain.Actor, rows []domain.Product, cols []Columns) (ImportResult, error) {
	var res ImportResult
	if err := actor.RequireTeam("import products"); err != nil {
		return res, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		res = ImportResult{}
		for i, p := range rows {
			line := rowLine(cols, i)
			old, err := tx.Product(ctx, p.ID)
			if err == nil {
				p.ID = old.ID                 // IDs match without case: the history stays on the catalog's
				p.ArchivedAt = old.ArchivedAt // restoring is "product restore", with its event
				keepProductColumns(&p, old, rowColumns(cols, i))
			}
			if verr := p.Validate(); verr != nil {
				return atLine(line, verr)
			}
			var changed []string
			if err == nil {
				changed = productChanges(old, p)
			}
			switch {
			case err == nil && len(changed) == 0:
				res.Unchanged++
			case err == nil:
				if err := tx.UpdateProduct(ctx, p); err != nil {
					return atLine(line, err)
				}
				// As "product set" words it, so the history reads the same.
				if err := record(ctx, tx, now, actor, "product.changed", "product:"+p.ID, "%s", strings.Join(changed, ", ")); err != nil {
					return err
				}
				res.Updated++
			case domain.ErrorKind(err) == domain.KindNotFound:
				if err := tx.InsertProduct(ctx, p); err != nil {
					return atLine(line, err)
				}
				// As "product add" words it.
				if err := recordProductAdded(ctx, tx, now, actor, p); err != nil {
					return err
				}
				res.Added++
			default:
				return err
			}
		}
		return record(ctx, tx, now, actor, "product.imported", "catalog", "imported %d products (%d new, %d updated, %d unchanged)", len(rows), res.Added, res.Updated, res.Unchanged)
	})
	return res, err
}

func rowColumns(cols []Columns, i int) Columns {
	if i < len(cols) {
		return cols[i]
	}
	return Columns{}
}

// rowLine is the CSV line of row i: the parser's, or the position in a
// file without blank lines or multi-line cells.
func rowLine(cols []Columns, i int) int {
	if l := rowColumns(cols, i).Line; l > 0 {
		return l
	}
	return i + 2 // the header is line 1
}

func keepCreatorColumns(c *domain.Creator, old domain.Creator, cols Columns) {
	if !cols.Has("followers") {
		c.Followers = old.Followers
	}
	if !cols.Has("avg_views") {
		c.AvgViews = old.AvgViews
	}
	if !cols.Has("gmv_30d") {
		c.GMV30d = old.GMV30d
	}
	if !cols.Has("niche") {
		c.Niche = old.Niche
	}
	if !cols.Has("categories") {
		c.Categories = old.Categories
	}
	if !cols.Has("timezone") {
		c.TimeZone = old.TimeZone
	}
}

func keepProductColumns(p *domain.Product, old domain.Product, cols Columns) {
	if !cols.Has("title") {
		p.Title = old.Title
	}
	if !cols.Has("price") {
		p.Price = old.Price
	}
	if !cols.Has("group") {
		p.Group = old.Group
	}
	if !cols.Has("stock") {
		p.SampleStock = old.SampleStock
	}
}

// atLine prefixes a row's error with its CSV line, keeping its kind.
func atLine(line int, err error) error {
	return &domain.Error{Kind: domain.ErrorKind(err), Field: domain.ErrorField(err), Message: fmt.Sprintf("line %d: %s", line, domain.ErrorMessage(err)), Err: err}
}

// SetRole makes a team member a seller or a manager. Only managers grant
// roles, and the last manager cannot step down, so approvals never stall.
func (a *App) SetRole(ctx context.Context, actor domain.Actor, memberID string, role domain.Role) (domain.Member, error) {
	var m domain.Member
	if err := actor.RequireManager("change roles"); err != nil {
		return m, err
	}
	if err := domain.ValidateMemberID("user", memberID); err != nil {
		return m, err
	}
	if _, err := domain.ParseMemberRole(string(role)); err != nil {
		return m, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		m, err = tx.Member(ctx, memberID)
		if err != nil && domain.ErrorKind(err) != domain.KindNotFound {
			return err
		}
		m.ID = memberID
		if m.Role == role {
			return nil
		}
		if m.Role == domain.RoleManager && role != domain.RoleManager {
			all, err := tx.Members(ctx)
			if err != nil {
				return err
			}
			managers := 0
			for _, x := range all {
				if x.Role == domain.RoleManager {
					managers++
				}
			}
			if managers <= 1 {
				return domain.Errorf(domain.KindConflict, "%s is the last manager; make someone else a manager first.", memberID)
			}
		}
		m.Role = role
		if err := tx.PutMember(ctx, m); err != nil {
			return err
		}
		if role == domain.RoleNone {
			return record(ctx, tx, now, actor, "member.role", "member:"+memberID, "%s no longer has a role", memberID)
		}
		return record(ctx, tx, now, actor, "member.role", "member:"+memberID, "%s is now a %s", memberID, role)
	})
	return m, err
}

// MarkUnreachable records that a creator blocks DMs and tells the sellers;
// delivery calls it when Discord refuses a DM.
func (a *App) MarkUnreachable(ctx context.Context, creatorID int64, why string) error {
	now := a.now()
	return a.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Creator(ctx, creatorID)
		if err != nil {
			return err
		}
		if !c.Reachable {
			return nil
		}
		c.Reachable = false
		if err := tx.UpdateCreator(ctx, c); err != nil {
			return err
		}
		if err := record(ctx, tx, now, domain.System, "creator.unreachable", fmt.Sprintf("creator:%d", c.ID), "%s", why); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), thread: subject("creator", c.ID), change: "unreachable"}, domain.Notice{Kind: domain.NoticeUnreachable, Creator: &c, Text: why})
	})
}

// CreatorCard is a creator with their sample track record.
type CreatorCard struct {
	Creator  domain.Creator
	Received int // samples shipped to them
	Posted   int // of those, with content submitted
}

// FulfilmentRate is posted / received in percent, or -1 with no samples yet.
func (c CreatorCard) FulfilmentRate() int {
	if c.Received == 0 {
		return -1
	}
	return c.Posted * 100 / c.Received
}

func creatorCard(ctx context.Context, tx Tx, c domain.Creator) (CreatorCard, error) {
	card := CreatorCard{Creator: c}
	var err error
	card.Received, card.Posted, err = tx.CreatorTrack(ctx, c.ID)
	return card, err
}

// ListCreators lists the roster, optionally by niche.
func (a *App) ListCreators(ctx context.Context, actor domain.Actor, niche string) ([]CreatorCard, error) {
	p, err := a.ListCreatorsPage(ctx, actor, niche)
	return p.Creators, err
}

// CreatorPage is one page of the roster and how many more creators the
// filter selects beyond it.
type CreatorPage struct {
	Creators []CreatorCard
	More     int
}

// ListCreatorsPage is ListCreators with how many more there are: the
// first ListLimit creators by handle, with their track record, in one
// query, and a count.
func (a *App) ListCreatorsPage(ctx context.Context, actor domain.Actor, niche string) (CreatorPage, error) {
	var p CreatorPage
	if err := actor.RequireTeam("list creators"); err != nil {
		return p, err
	}
	f := CreatorFilter{Niche: niche, Limit: ListLimit}
	err := a.store.View(ctx, func(tx Tx) error {
		p = CreatorPage{}
		var err error
		if p.Creators, err = tx.CreatorCards(ctx, f); err != nil || len(p.Creators) < ListLimit {
			return err
		}
		total, err := tx.CountCreators(ctx, f)
		p.More = max(total-len(p.Creators), 0)
		return err
	})
	return p, err
}

// ListProducts lists the catalog. Creators may read it too: plans point at it.
func (a *App) ListProducts(ctx context.Context, actor domain.Actor) ([]domain.Product, error) {
	var out []domain.Product
	err := a.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListProducts(ctx)
		return err
	})
	return out, err
}

// Creator reads one roster creator, for adapters resolving a recipient
// (the Discord sender needs the creator's Discord ID).
func (a *App) Creator(ctx context.Context, id int64) (domain.Creator, error) {
	var c domain.Creator
	err := a.store.View(ctx, func(tx Tx) error {
		var err error
		c, err = tx.Creator(ctx, id)
		return err
	})
	return c, err
}
