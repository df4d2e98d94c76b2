package commands

import (
	"context"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// keepAddress stores a shipping address a creator gave with a request on
// their roster entry; "" keeps what is there. The trail says it changed,
// never what it is.
func keepAddress(ctx context.Context, tx Tx, now time.Time, cr domain.Creator, address string) (domain.Creator, error) {
	if address == "" {
		return cr, nil
	}
	addr, err := domain.NormalizeAddress("address", address)
	if err != nil || addr == cr.Address {
		return cr, err
	}
	cr.Address = addr
	if err := tx.UpdateCreator(ctx, cr); err != nil {
		return cr, err
	}
	return cr, tx.AddEvent(ctx, domain.Event{At: now, Actor: subject("creator", cr.ID), Kind: "creator.changed", Subject: subject("creator", cr.ID), Detail: "shipping address changed"})
}

// shippable refuses to ship to a creator the team has no address for.
func shippable(cr domain.Creator) error {
	if cr.Address != "" {
		return nil
	}
	return domain.Invalidf("address", "%s has no shipping address yet, so the sample cannot ship. Ask them to request it again from Discord (the form asks for the address), or set it: creator set %s address=\"street, city, postal code, country\"", cr.At(), cr.At())
}

// ShippingAddress is a creator's own address on file, for the creator to
// confirm before a request ("" when none). Only the creator reads it here.
func (a *App) ShippingAddress(ctx context.Context, actor domain.Actor) (string, error) {
	if err := actor.RequireCreator("see your shipping address"); err != nil {
		return "", err
	}
	var addr string
	err := a.store.View(ctx, func(tx Tx) error {
		c, err := tx.Creator(ctx, actor.CreatorID)
		addr = c.Address
		return err
	})
	return addr, err
}
