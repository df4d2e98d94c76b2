package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/collabbot/collabbot/domain"
)

const productCols = `id, title, price, product_group, sample_stock, archived_at`

func scanProduct(r rowScanner) (domain.Product, error) {
	var p domain.Product
	err := r.Scan(&p.ID, &p.Title, &p.Price, &p.Group, &p.SampleStock, timeCol{&p.ArchivedAt})
	return p, err
}

// Product returns a catalog product by ID.
func (t *tx) Product(ctx context.Context, id string) (domain.Product, error) {
	p, err := scanProduct(t.tx.QueryRowContext(ctx, `SELECT `+productCols+` FROM products WHERE id = ?`, id))
	return p, notFound(err, "store: product", domain.Missing{Thing: "product", Ref: id})
}

// InsertProduct adds a product to the catalog.
func (t *tx) InsertProduct(ctx context.Context, p domain.Product) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO products (id, title, price, product_group, sample_stock) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.Title, int64(p.Price), p.Group, p.SampleStock)
	return formatError(err, "store: insert product", map[string]string{
		"products.id": fmt.Sprintf("Product %s is already in the catalog.", p.ID),
	})
}

// UpdateProduct stores the title, price, group and sample stock of a product.
func (t *tx) UpdateProduct(ctx context.Context, p domain.Product) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE products SET title = ?, price = ?, product_group = ?, sample_stock = ?, archived_at = ? WHERE id = ?`,
		p.Title, int64(p.Price), p.Group, p.SampleStock, ms(p.ArchivedAt), p.ID)
	if err != nil {
		return formatError(err, "store: update product", nil)
	}
	return affected(res, nil, "store: update product", domain.Missing{Thing: "product", Ref: p.ID})
}

// ListProducts lists the catalog but archived products by product ID,
// naturally: P2 before P10, as people number products.
func (t *tx) ListProducts(ctx context.Context) ([]domain.Product, error) {
	ps, err := list(ctx, t, "store: list products", `SELECT `+productCols+` FROM products WHERE archived_at IS NULL ORDER BY id`, nil, scanProduct)
	slices.SortStableFunc(ps, func(a, b domain.Product) int { return naturalCompare(a.ID, b.ID) })
	return ps, err
}

// naturalCompare orders strings with runs of digits compared as numbers
// ("P2" < "P10"), letters without regard to case (product IDs match
// without it), then bytewise so the order is total.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := strings.TrimLeft(a[si:i], "0"), strings.TrimLeft(b[sj:j], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(lower(ca), lower(cb)); c != 0 {
			return c
		}
		i, j = i+1, j+1
	}
	if c := cmp.Compare(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ReserveStock takes qty units from the product's sample stock and, when
// offerID is set, counts them against the offer (capped when its stock is
// set). Each check is the WHERE of its UPDATE, so no read-then-write window
// exists. A savepoint undoes the product's part when the offer's fails, so
// the call is all or nothing even if the caller goes on after the error.
func (t *tx) ReserveStock(ctx context.Context, productID string, offerID int64, qty int) error {
	if qty < 1 {
		return domain.Invalidf("quantity", "Quantity must be at least 1 unit (got %d)", qty)
	}
	// No savepoint: each conditional UPDATE is atomic on its own, and
	// when the offer has too little left the product's units are given
	// back by hand, which is all a rollback to a savepoint would do, in
	// one statement on the failing path instead of three on every path.
	res, err := t.tx.ExecContext(ctx, `UPDATE products SET sample_stock = sample_stock - ? WHERE id = ? AND sample_stock >= ?`, qty, productID, qty)
	if ok, err := matched(res, err, "store: reserve product stock"); err != nil {
		return err
	} else if !ok {
		var left int
		err = t.tx.QueryRowContext(ctx, `SELECT sample_stock FROM products WHERE id = ?`, productID).Scan(&left)
		if err := notFound(err, "store: reserve product stock", domain.Missing{Thing: "product", Ref: productID}); err != nil {
			return err
		}
		return domain.Shortage{ProductID: productID, Left: left}.Err()
	}
	if offerID == 0 {
		return nil
	}
	res, err = t.tx.ExecContext(ctx, `UPDATE sample_offers SET reserved = reserved + ? WHERE id = ? AND (stock = 0 OR reserved + ? <= stock)`, qty, offerID, qty)
	ok, err := matched(res, err, "store: reserve offer stock")
	if ok && err == nil {
		return nil
	}
	if _, undoErr := t.tx.ExecContext(ctx, `UPDATE products SET sample_stock = sample_stock + ? WHERE id = ?`, qty, productID); undoErr != nil {
		return formatError(undoErr, "store: give back product stock", nil)
	}
	if err != nil {
		return err
	}
	var stock, reserved int
	err = t.tx.QueryRowContext(ctx, `SELECT stock, reserved FROM sample_offers WHERE id = ?`, offerID).Scan(&stock, &reserved)
	if err := notFound(err, "store: reserve offer stock", domain.Missing{Thing: "offer", Ref: fmt.Sprint(offerID)}); err != nil {
		return err
	}
	return domain.Shortage{ProductID: productID, OfferID: offerID, Left: max(stock-reserved, 0), Total: stock}.Err()
}

// ReleaseStock gives qty units back to the product and the offer; the
// offer's count never goes below zero.
func (t *tx) ReleaseStock(ctx context.Context, productID string, offerID int64, qty int) error {
	if qty < 1 {
		return domain.Invalidf("quantity", "Quantity must be at least 1 unit (got %d)", qty)
	}
	return t.savepoint(ctx, "release_stock", func() error {
		res, err := t.tx.ExecContext(ctx, `UPDATE products SET sample_stock = sample_stock + ? WHERE id = ?`, qty, productID)
		if err != nil {
			return formatError(err, "store: release product stock", nil)
		}
		return affected(res, nil, "store: release product stock", domain.Missing{Thing: "product", Ref: productID})
	}, func() error {
		if offerID == 0 {
			return nil
		}
		res, err := t.tx.ExecContext(ctx, `UPDATE sample_offers SET reserved = max(reserved - ?, 0) WHERE id = ?`, qty, offerID)
		if err != nil {
			return formatError(err, "store: release offer stock", nil)
		}
		return affected(res, nil, "store: release offer stock", domain.Missing{Thing: "offer", Ref: fmt.Sprint(offerID)})
	})
}

// matched reports whether a conditional UPDATE changed a row.
func matched(res sql.Result, err error, op string) (bool, error) {
	if err != nil {
		return false, formatError(err, op, nil)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, domain.Internal(err, op)
	}
	return n > 0, nil
}

// savepoint runs steps in order inside a SAVEPOINT and rolls back to it when
// one fails, leaving the surrounding transaction as it was.
func (t *tx) savepoint(ctx context.Context, name string, steps ...func() error) error {
	if _, err := t.tx.ExecContext(ctx, `SAVEPOINT `+name); err != nil {
		return formatError(err, "store: savepoint", nil)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			if _, rbErr := t.tx.ExecContext(ctx, `ROLLBACK TO `+name); rbErr != nil {
				return formatError(rbErr, "store: rollback to savepoint", nil)
			}
			if _, relErr := t.tx.ExecContext(ctx, `RELEASE `+name); relErr != nil {
				return formatError(relErr, "store: release savepoint", nil)
			}
			return err
		}
	}
	if _, err := t.tx.ExecContext(ctx, `RELEASE `+name); err != nil {
		return formatError(err, "store: release savepoint", nil)
	}
	return nil
}
