package grammar

import "testing"

// Every verb of the table reads its arguments and runs something: a row
// without either would parse to a command nothing executes.
func TestEveryVerbIsWired(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range verbSpecs {
		if v.parse == nil || v.run == nil {
			t.Errorf("verb %q: parse set %v, run set %v", v.name, v.parse != nil, v.run != nil)
		}
		if seen[v.name] {
			t.Errorf("verb %q is listed twice", v.name)
		}
		seen[v.name] = true
	}
}
