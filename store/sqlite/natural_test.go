package sqlite

import (
	"slices"
	"testing"
)

func TestNaturalCompareSortsNumbersAsNumbers(t *testing.T) {
	ids := []string{"P10", "p3", "P2", "A1", "P02", "P100", "P1x", "P1"}
	slices.SortStableFunc(ids, naturalCompare)
	want := []string{"A1", "P1", "P1x", "P02", "P2", "p3", "P10", "P100"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted = %v, want %v", ids, want)
	}
}
