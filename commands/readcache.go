package commands

import (
	"context"
	"slices"
	"sync"

	"github.com/collabbot/collabbot/domain"
)

// Versioned is a Store that can tell cheaply whether anything was
// committed since it last answered: equal versions mean nothing changed in
// between, in this process or any other sharing the data. The SQLite store
// is one.
type Versioned interface {
	DataVersion(ctx context.Context) (uint64, error)
}

// Every chat request resolves its actor and most list the open plans: the
// same rows thousands of times between changes. readCache keeps those reads
// with the store's version taken before each was read, and hands them out
// again only while the store still answers that version, so a change by
// anyone (a role granted in the console, a plan paused in serve) is seen
// by the very next request. The version is read before the data, so data
// newer than its version is at worst read again, never served stale.
type readCache struct {
	src Versioned

	mu       sync.Mutex
	members  map[string]versioned[domain.Actor] // by Slack user ID and the name given
	creators map[string]versioned[creatorEntry] // by Discord user ID
	plans    map[bool]versioned[[]PlanView]     // by "the actor is on the team"
}

type versioned[T any] struct {
	v   uint64
	val T
}

type creatorEntry struct {
	actor domain.Actor
	zone  string
}

// maxCached bounds each map; past it the map starts again empty (a
// roster bigger than this is read as before, a request at a time).
const maxCached = 10_000

func newReadCache(s Store) *readCache {
	v, ok := s.(Versioned)
	if !ok {
		return nil
	}
	return &readCache{src: v, members: map[string]versioned[domain.Actor]{}, creators: map[string]versioned[creatorEntry]{}, plans: map[bool]versioned[[]PlanView]{}}
}

// get returns m[k] when it was read at version v.
func get[K comparable, T any](c *readCache, m map[K]versioned[T], k K, v uint64) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[k]
	if !ok || e.v != v {
		var zero T
		return zero, false
	}
	return e.val, true
}

// put keeps val, read after version v was taken.
func put[K comparable, T any](c *readCache, m map[K]versioned[T], k K, v uint64, val T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(m) >= maxCached {
		clear(m)
	}
	m[k] = versioned[T]{v: v, val: val}
}

// planViews is a copy of the cached list the caller may append to; the
// plans' rules and products inside are shared and read-only.
func planViews(vs []PlanView) []PlanView {
	if len(vs) == 0 {
		return nil
	}
	return slices.Clone(vs)
}

// A chat request reads its actor and then, say, the plans: two version
// checks where one would do. ReadOnce lets the request share one.

type memoKey struct{}

// versionMemo is one request's version check; zero until made.
type versionMemo struct {
	mu sync.Mutex
	v  uint64
	ok bool
}

// ReadOnce returns ctx for one request: the App's kept reads made with it
// (the actor, the plans) check the store's version once for the whole
// request, and see what was committed before that check, as one read
// transaction would. A write the App makes with it forgets the check, so
// the request's later reads see its own writes.
func ReadOnce(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &versionMemo{})
}

// version is the store's version now, or the one this request already
// checked; ok is false without a cache or when the store cannot say, and
// then nothing is cached or served.
func (c *readCache) version(ctx context.Context) (uint64, bool) {
	if c == nil {
		return 0, false
	}
	m, _ := ctx.Value(memoKey{}).(*versionMemo)
	if m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.ok {
			return m.v, true
		}
	}
	v, err := c.src.DataVersion(ctx)
	if err != nil {
		return 0, false
	}
	if m != nil {
		m.v, m.ok = v, true
	}
	return v, true
}

// forget drops ctx's request check, after a write.
func forget(ctx context.Context) {
	if m, _ := ctx.Value(memoKey{}).(*versionMemo); m != nil {
		m.mu.Lock()
		m.ok = false
		m.mu.Unlock()
	}
}

// forgetful is the App's store: every Update ends the request's check.
type forgetful struct{ Store }

func (s forgetful) Update(ctx context.Context, fn func(Tx) error) error {
	defer forget(ctx)
	return s.Store.Update(ctx, fn)
}
