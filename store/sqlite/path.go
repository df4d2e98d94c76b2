package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// PathError says in one sentence what is wrong with the database's location
// and what to do about it, in place of SQLite's "unable to open database
// file (14)".
type PathError struct {
	Path    string // the file system path, as given
	Problem string // "the folder /x does not exist; create it or choose another path"
}

func (e *PathError) Error() string { return fmt.Sprintf("database %q: %s", e.Path, e.Problem) }

// ErrReadOnly is in the chain of every write refused because the database
// was opened read-only.
var ErrReadOnly = errors.New("sqlite: the database is open read-only")

// filePath is the file system path a "file:" URI name points to: the
// authority of "file://host/p" dropped, %-escapes undone.
func filePath(name string) string {
	p := strings.TrimPrefix(name, "file:")
	if rest, ok := strings.CutPrefix(p, "//"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			p = rest[i:]
		} else {
			p = rest
		}
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	return p
}

// checkPath looks at the database's location before SQLite does, so a
// mistake reads as a sentence. It returns why the database can only be
// read ("" when it can be written), or a *PathError when it cannot be used.
// wantRO is the caller's own mode=ro.
func checkPath(p string, wantRO bool) (readOnly string, err error) {
	dir := filepath.Dir(p)
	st, err := os.Stat(p)
	switch {
	case err == nil && st.IsDir():
		return "", &PathError{p, fmt.Sprintf("this is a folder, not a database file; give a file path such as %s", filepath.Join(p, "collabbot.db"))}
	case err == nil:
		if f, err := os.Open(p); err != nil {
			return "", &PathError{p, "the file cannot be read (permission denied); let the service's user read it or choose another path"}
		} else {
			f.Close()
		}
		switch {
		case wantRO:
			return "it was opened with mode=ro", nil
		case !writable(p):
			return "the file is not writable", nil
		case !writable(dir):
			// WAL needs its -wal and -shm files next to the database.
			return fmt.Sprintf("the folder %s is not writable", dir), nil
		}
		return "", nil
	case errors.Is(err, fs.ErrNotExist):
		ds, derr := os.Stat(dir)
		switch {
		case errors.Is(derr, fs.ErrNotExist):
			return "", &PathError{p, fmt.Sprintf("the folder %s does not exist; create it or choose another path", dir)}
		case errors.Is(derr, fs.ErrPermission):
			return "", &PathError{p, fmt.Sprintf("the folder %s cannot be reached (permission denied); let the service's user in or choose another path", dir)}
		case derr != nil:
			return "", &PathError{p, fmt.Sprintf("the folder %s cannot be read (%v); choose another path", dir, derr)}
		case !ds.IsDir():
			return "", &PathError{p, fmt.Sprintf("%s is a file, not a folder; choose another path", dir)}
		case wantRO:
			return "", &PathError{p, "the file does not exist, and mode=ro does not create it; check the path"}
		case !writable(dir):
			return "", &PathError{p, fmt.Sprintf("the file does not exist and the folder %s is not writable, so it cannot be created; make the folder writable or choose another path", dir)}
		}
		return "", nil
	case errors.Is(err, fs.ErrPermission):
		return "", &PathError{p, fmt.Sprintf("the folder %s cannot be reached (permission denied); let the service's user in or choose another path", dir)}
	default:
		if ds, derr := os.Stat(dir); derr == nil && !ds.IsDir() {
			return "", &PathError{p, fmt.Sprintf("%s is a file, not a folder; choose another path", dir)}
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", &PathError{p, fmt.Sprintf("it cannot be used (%v); choose another path", err)}
	}
}
