package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

const creatorCols = `id, handle, discord_id, followers, avg_views, gmv_30d, niche, categories, timezone, reachable, unanswered, created_at, archived_at, address`

func scanCreator(r rowScanner) (domain.Creator, error) {
	var c domain.Creator
	err := r.Scan(&c.ID, &c.Handle, textCol{&c.DiscordID}, &c.Followers, &c.AvgViews, &c.GMV30d,
		&c.Niche, listCol{&c.Categories}, &c.TimeZone, &c.Reachable, &c.Unanswered, timeCol{&c.CreatedAt}, timeCol{&c.ArchivedAt}, &c.Address)
	return c, err
}

// Creator returns a roster creator by ID.
func (t *tx) Creator(ctx context.Context, id int64) (domain.Creator, error) {
	if c, ok := t.creators[id]; ok {
		c.Categories = slices.Clone(c.Categories)
		return c, nil
	}
	c, err := scanCreator(t.tx.QueryRowContext(ctx, `SELECT `+creatorCols+` FROM creators WHERE id = ?`, id))
	if err := notFound(err, "store: creator", domain.Missing{Thing: "creator", Ref: fmt.Sprint(id)}); err != nil {
		return c, err
	}
	t.rememberCreator(c)
	return c, nil
}

// CreatorByHandle returns a roster creator by TikTok handle, with or
// without "@", in any case.
func (t *tx) CreatorByHandle(ctx context.Context, handle string) (domain.Creator, error) {
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	c, err := scanCreator(t.tx.QueryRowContext(ctx, `SELECT `+creatorCols+` FROM creators WHERE handle = ?`, h))
	if err := notFound(err, "store: creator by handle", domain.Missing{Thing: "creator", Ref: "@" + h}); err != nil {
		return c, err
	}
	t.rememberCreator(c) // a message queued to them next needs no second read
	return c, nil
}

// CreatorByDiscordID returns the creator linked to a Discord user.
func (t *tx) CreatorByDiscordID(ctx context.Context, discordID string) (domain.Creator, error) {
	if discordID == "" {
		return domain.Creator{}, domain.Missing{Thing: "discord_user"}.Err()
	}
	c, err := scanCreator(t.tx.QueryRowContext(ctx, `SELECT `+creatorCols+` FROM creators WHERE discord_id = ?`, discordID))
	return c, notFound(err, "store: creator by discord id", domain.Missing{Thing: "discord_user", Ref: discordID})
}

// InsertCreator adds a creator to the roster and sets c.ID.
func (t *tx) InsertCreator(ctx context.Context, c *domain.Creator) error {
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO creators (handle, discord_id, followers, avg_views, gmv_30d, niche, categories, timezone, reachable, unanswered, created_at, address)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Handle, nullText(c.DiscordID), c.Followers, c.AvgViews, int64(c.GMV30d), c.Niche, jsonList(c.Categories),
		c.TimeZone, c.Reachable, c.Unanswered, ms(c.CreatedAt), c.Address).Scan(&id)
	if err != nil {
		return formatError(err, "store: insert creator", t.creatorConflicts(ctx, *c, err))
	}
	c.ID = id
	return nil
}

// UpdateCreator stores every field of an existing creator but its ID and
// creation time.
func (t *tx) UpdateCreator(ctx context.Context, c domain.Creator) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE creators SET handle = ?, discord_id = ?, followers = ?, avg_views = ?, gmv_30d = ?,
		niche = ?, categories = ?, timezone = ?, reachable = ?, archived_at = ?, address = ? WHERE id = ?`,
		c.Handle, nullText(c.DiscordID), c.Followers, c.AvgViews, int64(c.GMV30d), c.Niche, jsonList(c.Categories),
		c.TimeZone, c.Reachable, ms(c.ArchivedAt), c.Address, c.ID)
	if err != nil {
		return formatError(err, "store: update creator", t.creatorConflicts(ctx, c, err))
	}
	if err := affected(res, nil, "store: update creator", domain.Missing{Thing: "creator", Ref: fmt.Sprint(c.ID)}); err != nil {
		return err
	}
	if old, ok := t.creators[c.ID]; ok {
		c.CreatedAt, c.Unanswered = old.CreatedAt, old.Unanswered // not written: keep what is stored
		t.rememberCreator(c)
	}
	return nil
}

// AddUnanswered changes the counter in place: no index holds it, so the
// statement touches one row and nothing else.
func (t *tx) AddUnanswered(ctx context.Context, creatorID int64, delta int) error {
	return t.setUnanswered(ctx, creatorID, `UPDATE creators SET unanswered = max(unanswered + ?, 0) WHERE id = ? RETURNING unanswered`, delta, creatorID)
}

func (t *tx) ClearUnanswered(ctx context.Context, creatorID int64) error {
	return t.setUnanswered(ctx, creatorID, `UPDATE creators SET unanswered = 0 WHERE id = ? RETURNING unanswered`, creatorID)
}

func (t *tx) setUnanswered(ctx context.Context, id int64, stmt string, args ...any) error {
	var n int
	err := t.tx.QueryRowContext(ctx, stmt, args...).Scan(&n)
	if err := notFound(err, "store: unanswered count", domain.Missing{Thing: "creator", Ref: fmt.Sprint(id)}); err != nil {
		return err
	}
	if c, ok := t.creators[id]; ok {
		c.Unanswered = n
		t.creators[id] = c
	}
	return nil
}

// creatorConflicts words the uniqueness failures of a creator write; the
// Discord message names the creator already holding the account.
func (t *tx) creatorConflicts(ctx context.Context, c domain.Creator, err error) map[string]string {
	switch constraint(err) {
	case "creators.handle":
		return map[string]string{"creators.handle": fmt.Sprintf("Creator @%s is already on the roster.", c.Handle)}
	case "creators.discord_id":
		holder := "another creator"
		var h string
		if t.tx.QueryRowContext(ctx, `SELECT handle FROM creators WHERE discord_id = ?`, c.DiscordID).Scan(&h) == nil {
			holder = "@" + h
		}
		return map[string]string{"creators.discord_id": fmt.Sprintf("Discord user %s is already linked to %s.", c.DiscordID, holder)}
	}
	return nil
}

// creatorQuery renders f's conditions on the creators table. Niche
// matches a creator's niche or one of their categories, since sellers
// think of both as "what they do".
func creatorQuery(f commands.CreatorFilter) *query {
	q := &query{}
	if n := strings.ToLower(strings.TrimSpace(f.Niche)); n != "" {
		q.add(`(niche = ? OR EXISTS (SELECT 1 FROM json_each(creators.categories) WHERE value = ?))`, n, n)
	}
	if f.MinFollowers > 0 {
		q.add(`followers >= ?`, f.MinFollowers)
	}
	if !f.Archived {
		q.add(`creators.archived_at IS NULL`)
	}
	return q
}

// ListCreators lists the roster by handle.
func (t *tx) ListCreators(ctx context.Context, f commands.CreatorFilter) ([]domain.Creator, error) {
	q := creatorQuery(f)
	stmt := `SELECT ` + creatorCols + ` FROM creators` + q.sql("handle", f.Limit)
	return list(ctx, t, "store: list creators", stmt, q.args, scanCreator)
}

// CreatorCards lists the roster by handle with each creator's samples
// received and posted, counted per listed creator in the same query.
func (t *tx) CreatorCards(ctx context.Context, f commands.CreatorFilter) ([]commands.CreatorCard, error) {
	q := creatorQuery(f)
	stmt := `SELECT ` + qualified("creators", creatorCols) + `,
		(SELECT count(*) FROM sample_requests s WHERE s.creator_id = creators.id AND s.state IN ('shipped', 'overdue', 'completed')),
		(SELECT count(*) FROM sample_requests s WHERE s.creator_id = creators.id AND s.state = 'completed')
		FROM creators` + q.sql("handle", f.Limit)
	return list(ctx, t, "store: creator cards", stmt, q.args, func(r rowScanner) (commands.CreatorCard, error) {
		var k commands.CreatorCard
		c := &k.Creator
		err := r.Scan(&c.ID, &c.Handle, textCol{&c.DiscordID}, &c.Followers, &c.AvgViews, &c.GMV30d,
			&c.Niche, listCol{&c.Categories}, &c.TimeZone, &c.Reachable, &c.Unanswered, timeCol{&c.CreatedAt}, timeCol{&c.ArchivedAt}, &c.Address, &k.Received, &k.Posted)
		return k, err
	})
}

// CreatorTrack counts one creator's samples received and posted in one
// query.
func (t *tx) CreatorTrack(ctx context.Context, creatorID int64) (received, posted int, err error) {
	err = t.tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(state = 'completed'), 0) FROM sample_requests
		WHERE creator_id = ? AND state IN ('shipped', 'overdue', 'completed')`, creatorID).Scan(&received, &posted)
	return received, posted, formatError(err, "store: creator track", nil)
}

// CountCreators counts the creators f selects.
func (t *tx) CountCreators(ctx context.Context, f commands.CreatorFilter) (int, error) {
	return t.count(ctx, "store: count creators", "creators", creatorQuery(f))
}
