package grammar

import (
	"time"

	"github.com/collabbot/collabbot/domain"
)

// zoneInput checks a typed tz= value in full, the zone's existence too:
// domain checks only its shape (it does no I/O), and the use case's own
// check runs only once the line parses, so without this an unknown zone
// went unmentioned beside the line's other errors.
func zoneInput(z string) error {
	if err := domain.CheckInput("timezone", 64, z, domain.ValidateTimeZone); err != nil || z == "" {
		return err
	}
	if _, err := time.LoadLocation(z); err != nil {
		return domain.Invalidf("timezone", "Time zone must be an IANA zone like Europe/Paris (got %s)", domain.QuoteInput(z))
	}
	return nil
}
