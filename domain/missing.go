package domain

import "fmt"

// Missing names a thing that was looked up and does not exist. Stores
// return it (through Err) instead of wording their own messages; the
// sentence is written here, once.
type Missing struct {
	Thing string // "creator", "discord_user", "product", "offer", "collaboration", "invitation", "plan", "plan_name", "sample", "outgoing"
	Ref   string // as people write it: "@maya", "P100", "PL3", "S4"; a bare number for roster and offer IDs
}

// Err is the KindNotFound error for m.
func (m Missing) Err() *Error {
	return &Error{Kind: KindNotFound, Message: m.sentence(), Missing: &m}
}

func (m Missing) sentence() string {
	switch m.Thing {
	case "creator":
		if len(m.Ref) > 0 && m.Ref[0] == '@' {
			return fmt.Sprintf("No creator %s on the roster.", m.Ref)
		}
		return fmt.Sprintf("No creator with ID %s on the roster.", m.Ref)
	case "discord_user":
		if m.Ref == "" {
			return "No creator on the roster is linked to that Discord account."
		}
		return fmt.Sprintf("No creator on the roster is linked to Discord user %s.", m.Ref)
	case "product":
		return fmt.Sprintf("No product %s in the catalog.", m.Ref)
	case "offer":
		return fmt.Sprintf("No sample offer %s.", m.Ref)
	case "plan_name":
		return fmt.Sprintf("No plan named %q.", m.Ref)
	case "sample":
		return fmt.Sprintf("No sample request %s.", m.Ref)
	case "outgoing":
		return fmt.Sprintf("No outgoing message %s.", m.Ref)
	}
	return fmt.Sprintf("No %s %s.", m.Thing, m.Ref)
}

// Changed is the conflict of an update made from a stale read: someone
// else changed the thing first. Thing and Ref are as in Missing.
func Changed(thing, ref string) *Error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf("%s changed in the meantime; reload it and try again.", ref), Stale: &Missing{Thing: thing, Ref: ref}}
}

// Shortage is too little sample stock for a reservation: of the product
// (OfferID 0) or of one offer's units.
type Shortage struct {
	ProductID string
	OfferID   int64
	Left      int // units still free
	Total     int // the offer's units in all; 0 for a product's stock
}

// Err is the KindConflict error for s.
func (s Shortage) Err() *Error {
	var msg string
	switch {
	case s.OfferID == 0 && s.Left == 0:
		msg = fmt.Sprintf("Product %s has no sample stock left.", s.ProductID)
	case s.OfferID == 0:
		msg = fmt.Sprintf("Only %d left of product %s's sample stock.", s.Left, s.ProductID)
	case s.Left > 0:
		msg = fmt.Sprintf("Only %d of this offer's %d sample units are left.", s.Left, s.Total)
	default:
		msg = fmt.Sprintf("This offer's sample units (%d in all) are all reserved.", s.Total)
	}
	return &Error{Kind: KindConflict, Message: msg, Shortage: &s}
}

// ErrorShortage reports the stock shortage err is about, or nil.
func ErrorShortage(err error) *Shortage {
	if e := asError(err); e != nil {
		return e.Shortage
	}
	return nil
}

// ErrorMissing reports what err says does not exist, or nil.
func ErrorMissing(err error) *Missing {
	if e := asError(err); e != nil {
		return e.Missing
	}
	return nil
}
