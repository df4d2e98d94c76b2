package sqlite_test

import (
	"testing"

	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
	"github.com/collabbot/collabbot/store/storetest"
)

// The SQLite store keeps the contract every engine must keep.
func TestConformance(t *testing.T) {
	storetest.Run(t, sqlitetest.Factory)
}
