package commands

import (
	"context"

	"github.com/collabbot/collabbot/domain"
)

// SampleForm is what a sample request form shows a creator before they
// ask: the products they may pick, the offer's limit and requirements, and
// the shipping address on file (their own) to confirm.
type SampleForm struct {
	Products []string
	Offer    domain.SampleOffer
	Address  string
}

// SampleFormFor reads the form of a request through invitation
// invitationID or open plan planID (one of them set), for the creator who
// asks. Someone else's invitation is refused; an offer without samples is a
// KindNotFound.
func (a *App) SampleFormFor(ctx context.Context, actor domain.Actor, invitationID, planID int64) (SampleForm, error) {
	var f SampleForm
	if err := actor.RequireCreator("request samples"); err != nil {
		return f, err
	}
	err := a.store.View(ctx, func(tx Tx) error {
		f = SampleForm{}
		cr, err := tx.Creator(ctx, actor.CreatorID)
		if err != nil {
			return err
		}
		f.Address = cr.Address
		var offer *domain.SampleOffer
		if invitationID != 0 {
			v, err := loadInvitation(ctx, tx, invitationID)
			if err != nil {
				return err
			}
			if err := ownInvitation(actor, v); err != nil {
				return err
			}
			f.Products, offer = v.Collaboration.ProductIDs, v.Collaboration.Sample
		} else {
			p, err := tx.Plan(ctx, planID)
			if err != nil {
				return err
			}
			catalog, err := tx.ListProducts(ctx)
			if err != nil {
				return err
			}
			for _, pp := range p.Products(catalog) {
				f.Products = append(f.Products, pp.Product.ID)
			}
			offer = p.Sample
		}
		if offer == nil {
			return domain.Errorf(domain.KindNotFound, "This offer has no free samples.")
		}
		// A creator who does not qualify learns why before typing an
		// address into a form the submit would refuse.
		if err := offer.Check(cr, a.now()); err != nil {
			return err
		}
		f.Offer = *offer
		return nil
	})
	return f, err
}
