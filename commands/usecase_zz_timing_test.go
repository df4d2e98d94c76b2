package commands_test

import (
	"testing"
	"time"
)

func TestZZTiming(t *testing.T) {
	s := time.Now()
	app, _, _ := newApp(t)
	t.Logf("open %v", time.Since(s))
	s = time.Now()
	mustAddProduct(t, app, "P1", 1, "")
	t.Logf("1 product %v", time.Since(s))
	s = time.Now()
	for i := 0; i < 20; i++ {
		mustAddProduct(t, app, "Q"+string(rune('a'+i)), 1, "")
	}
	t.Logf("20 products %v", time.Since(s))
	s = time.Now()
	newRoleFixture(t)
	t.Logf("fixture %v", time.Since(s))
}
