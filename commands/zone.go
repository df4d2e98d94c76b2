package commands

import (
	"sync"
	"time"
)

// zones caches time.LoadLocation, which reads and parses the zone's tzdata
// on every call: an import checks each row's zone, and every delivered
// message resolves its reader's. Zone data does not change while the
// process runs; unknown names are not cached (they are errors, and few).
var zones sync.Map // name -> *time.Location

// loadLocation is time.LoadLocation, cached.
func loadLocation(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, l)
	return l, nil
}
