package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// ProductChange is what "product set" changes; nil fields keep what is
// stored.
type ProductChange struct {
	Title *string
	Price *domain.Money
	Group *string
	Stock *int // free-sample units left: a restock sets the new count
}

// Empty reports a change that names nothing to change.
func (c ProductChange) Empty() bool {
	return c.Title == nil && c.Price == nil && c.Group == nil && c.Stock == nil
}

// CreatorChange is what "creator set" changes; nil fields keep what is
// stored.
type CreatorChange struct {
	DiscordID  *string
	Followers  *int64
	AvgViews   *int64
	GMV30d     *domain.Money
	Niche      *string
	Categories *[]string
	TimeZone   *string
	Address    *string // the shipping address
}

// Empty reports a change that names nothing to change.
func (c CreatorChange) Empty() bool {
	return c.DiscordID == nil && c.Followers == nil && c.AvgViews == nil && c.GMV30d == nil && c.Niche == nil && c.Categories == nil && c.TimeZone == nil && c.Address == nil
}

// SetProduct corrects a catalog product: rename, reprice, regroup or
// restock it. The product's history stays; requests already approved keep
// the units they reserved.
func (a *App) SetProduct(ctx context.Context, actor domain.Actor, id string, ch ProductChange) (ProductView, error) {
	var v ProductView
	if err := actor.RequireTeam("change products"); err != nil {
		return v, err
	}
	if err := domain.ValidateProductID("id", id); err != nil {
		return v, err
	}
	if ch.Empty() {
		return v, domain.Invalidf("options", "Say what to change: title, price, group or stock, like product set %s stock=20", id)
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		old, err := tx.Product(ctx, id)
		if err != nil {
			return err
		}
		p := old
		if ch.Title != nil {
			p.Title = *ch.Title
		}
		if ch.Price != nil {
			p.Price = *ch.Price
		}
		if ch.Group != nil {
			p.Group = *ch.Group
		}
		if ch.Stock != nil {
			p.SampleStock = *ch.Stock
		}
		if err := p.Validate(); err != nil {
			return err
		}
		v = ProductView{Product: p}
		changed := productChanges(old, p)
		if len(changed) == 0 {
			return nil // nothing differs: no write, no event
		}
		if err := tx.UpdateProduct(ctx, p); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, "product.changed", "product:"+p.ID, "%s", strings.Join(changed, ", "))
	})
	return v, err
}

func productChanges(old, p domain.Product) []string {
	var out []string
	if old.Title != p.Title {
		out = append(out, fmt.Sprintf("title %q -> %q", old.Title, p.Title))
	}
	if old.Price != p.Price {
		out = append(out, fmt.Sprintf("price %s -> %s", old.Price, p.Price))
	}
	if old.Group != p.Group {
		out = append(out, fmt.Sprintf("group %q -> %q", old.Group, p.Group))
	}
	if old.SampleStock != p.SampleStock {
		out = append(out, fmt.Sprintf("stock %d -> %d", old.SampleStock, p.SampleStock))
	}
	return out
}

// SetCreator corrects a roster creator's Discord account, audience figures,
// niche, categories or time zone. A new Discord account is reachable again.
func (a *App) SetCreator(ctx context.Context, actor domain.Actor, handle string, ch CreatorChange) (domain.Creator, error) {
	var c domain.Creator
	if err := actor.RequireTeam("change creators"); err != nil {
		return c, err
	}
	h, err := domain.NormalizeHandle("handle", handle)
	if err != nil {
		return c, err
	}
	if ch.Empty() {
		return c, domain.Invalidf("options", "Say what to change: discord, followers, views, gmv, niche, categories or tz, like creator set @%s followers=60k", h)
	}
	now := a.now()
	err = a.store.Update(ctx, func(tx Tx) error {
		old, err := tx.CreatorByHandle(ctx, h)
		if err != nil {
			return err
		}
		c = old
		c.Categories = append([]string(nil), old.Categories...)
		if ch.DiscordID != nil {
			c.DiscordID = *ch.DiscordID
		}
		if ch.Followers != nil {
			c.Followers = *ch.Followers
		}
		if ch.AvgViews != nil {
			c.AvgViews = *ch.AvgViews
		}
		if ch.GMV30d != nil {
			c.GMV30d = *ch.GMV30d
		}
		if ch.Niche != nil {
			c.Niche = *ch.Niche
		}
		if ch.Categories != nil {
			c.Categories = *ch.Categories
		}
		if ch.TimeZone != nil {
			c.TimeZone = *ch.TimeZone
		}
		if ch.Address != nil {
			c.Address = *ch.Address
		}
		if err := validateCreator(&c); err != nil {
			return err
		}
		changed := creatorChanges(old, c)
		retry := ch.DiscordID != nil && c.DiscordID != "" && !old.Reachable
		if retry && c.DiscordID == old.DiscordID {
			// The same account again: the team fixed what stopped the DMs
			// (the creator joined the server, opened their DMs).
			changed = append(changed, "reachable again")
		}
		if len(changed) == 0 {
			return nil
		}
		if c.DiscordID != old.DiscordID || retry {
			c.Reachable = true // a new account gets a fresh chance
		}
		if err := tx.UpdateCreator(ctx, c); err != nil {
			return err
		}
		if (c.DiscordID != old.DiscordID && c.DiscordID != "") || retry {
			// Messages that waited for an account go out now.
			if _, err := tx.WakeOutgoing(ctx, toCreator(c.ID), now); err != nil {
				return err
			}
		}
		return record(ctx, tx, now, actor, "creator.changed", subject("creator", c.ID), "%s", strings.Join(changed, ", "))
	})
	return c, err
}

func creatorChanges(old, c domain.Creator) []string {
	var out []string
	add := func(what string, from, to any) {
		if fmt.Sprint(from) != fmt.Sprint(to) {
			out = append(out, fmt.Sprintf("%s %v -> %v", what, from, to))
		}
	}
	// 0 is a count nobody entered: "not known", as the roster shows it.
	known := func(n int64) any {
		if n <= 0 {
			return "not known"
		}
		return n
	}
	add("discord", old.DiscordID, c.DiscordID)
	add("followers", known(old.Followers), known(c.Followers))
	add("views", known(old.AvgViews), known(c.AvgViews))
	knownMoney := func(m domain.Money) any {
		if m <= 0 {
			return "not known"
		}
		return m
	}
	add("gmv", knownMoney(old.GMV30d), knownMoney(c.GMV30d))
	add("niche", old.Niche, c.Niche)
	add("categories", strings.Join(old.Categories, ","), strings.Join(c.Categories, ","))
	add("tz", old.TimeZone, c.TimeZone)
	if old.Address != c.Address {
		// Said, never shown: the trail is read by the whole team.
		out = append(out, "shipping address changed")
	}
	return out
}

// ArchiveProduct takes a product out of the catalog's lists, plans and
// invitations, keeping it and its history; RestoreProduct brings it back.
// Approved samples of it still ship.
func (a *App) ArchiveProduct(ctx context.Context, actor domain.Actor, id string) (domain.Product, error) {
	return a.archiveProduct(ctx, actor, id, true)
}

// RestoreProduct undoes ArchiveProduct.
func (a *App) RestoreProduct(ctx context.Context, actor domain.Actor, id string) (domain.Product, error) {
	return a.archiveProduct(ctx, actor, id, false)
}

func (a *App) archiveProduct(ctx context.Context, actor domain.Actor, id string, archive bool) (domain.Product, error) {
	var p domain.Product
	if err := actor.RequireTeam("archive products"); err != nil {
		return p, err
	}
	if err := domain.ValidateProductID("product", id); err != nil {
		return p, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if p, err = tx.Product(ctx, id); err != nil {
			return err
		}
		if archive == !p.ArchivedAt.IsZero() {
			return nil // already as asked: a repeat changes nothing
		}
		kind, detail := "product.archived", "archived "+p.ID
		p.ArchivedAt = now
		if !archive {
			kind, detail = "product.restored", "restored "+p.ID
			p.ArchivedAt = time.Time{}
		}
		if err := tx.UpdateProduct(ctx, p); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, kind, "product:"+p.ID, "%s", detail)
	})
	return p, err
}

// ArchiveCreator takes a creator off the roster's lists and out of new
// invitations, keeping them and their history; RestoreCreator brings them
// back. What is under way with them (an accepted invitation, a shipped
// sample) goes on.
func (a *App) ArchiveCreator(ctx context.Context, actor domain.Actor, handle string) (domain.Creator, error) {
	return a.archiveCreator(ctx, actor, handle, true)
}

// RestoreCreator undoes ArchiveCreator.
func (a *App) RestoreCreator(ctx context.Context, actor domain.Actor, handle string) (domain.Creator, error) {
	return a.archiveCreator(ctx, actor, handle, false)
}

func (a *App) archiveCreator(ctx context.Context, actor domain.Actor, handle string, archive bool) (domain.Creator, error) {
	var c domain.Creator
	if err := actor.RequireTeam("archive creators"); err != nil {
		return c, err
	}
	h, err := domain.NormalizeHandle("creator", handle)
	if err != nil {
		return c, err
	}
	now := a.now()
	err = a.store.Update(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.CreatorByHandle(ctx, h); err != nil {
			return err
		}
		if archive == !c.ArchivedAt.IsZero() {
			return nil
		}
		kind, detail := "creator.archived", "archived "+c.At()
		c.ArchivedAt = now
		if !archive {
			kind, detail = "creator.restored", "restored "+c.At()
			c.ArchivedAt = time.Time{}
		}
		if err := tx.UpdateCreator(ctx, c); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, kind, fmt.Sprintf("creator:%d", c.ID), "%s", detail)
	})
	return c, err
}
