package present

import (
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Refusal words a refused action for the one who acted, in their zone: the
// use case's message, and for a decision someone else already took who
// took it and when. An internal error shows only the generic text; the
// adapter logs its cause.
func Refusal(err error, r Reader) Card {
	c := Card{Text: domain.ErrorMessageIn(err, func(t time.Time, moment bool) string {
		if moment {
			return r.Time(t)
		}
		return r.Deadline(t)
	})}
	if d := domain.ErrorDecision(err); d != nil && !d.At.IsZero() {
		c.Context = "Decided by " + d.Name + " on " + r.Time(d.At) + "."
	}
	return c
}
