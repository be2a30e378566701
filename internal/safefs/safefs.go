// Package safefs writes files only where a command was told to write: every
// path is cleaned, its existing parents are resolved through symbolic links,
// and anything that lands outside the root is refused before a byte is
// written. Writes are atomic (a temporary file next to the target, then a
// rename), so a reader never sees a partial file and a failure leaves nothing.
package safefs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutsideRoot means a name would be written outside its root.
var ErrOutsideRoot = errors.New("path is outside its root")

// Path returns root/name after cleaning, refusing a name that is absolute,
// empty, or that leaves root lexically ("../x") or through a symbolic link
// among the parents that already exist. root need not exist yet.
func Path(root, name string) (string, error) {
	if name == "" || filepath.IsAbs(name) || filepath.VolumeName(name) != "" {
		return "", fmt.Errorf("%w: %q in %s", ErrOutsideRoot, name, root)
	}
	clean := filepath.Clean(name)
	if clean == "." || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: %q in %s", ErrOutsideRoot, name, root)
	}
	target := filepath.Join(root, clean)
	realRoot, err := resolveExisting(root)
	if err != nil {
		return "", err
	}
	realParent, err := resolveExisting(filepath.Dir(target))
	if err != nil {
		return "", err
	}
	if !within(realRoot, realParent) {
		return "", fmt.Errorf("%w: %q in %s resolves to %s", ErrOutsideRoot, name, root, realParent)
	}
	return target, nil
}

// WriteFile writes data atomically to root/name (creating missing parents
// under root) and returns the path written.
func WriteFile(root, name string, data []byte, perm os.FileMode) (string, error) {
	target, err := Path(root, name)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", err
	}
	// Check again now that the parents exist: a parent created by MkdirAll
	// could only be a link if it appeared between the two checks.
	if _, err := Path(root, name); err != nil {
		return "", err
	}
	return target, WriteFileAtomic(target, data, perm)
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder, renamed into place with mode perm; on any failure the temporary
// file is removed and path is untouched. path is taken as given: callers
// that write under a root they were handed use WriteFile.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return WriteAtomic(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomic is WriteFileAtomic for content that is streamed: fill writes
// the file, and only when it succeeds is the file renamed into place.
func WriteAtomic(path string, perm os.FileMode, fill func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = fill(f); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// rename replaces a link at path itself, never the file it points to.
	return os.Rename(f.Name(), path)
}

// MakeDirAtomic creates the directory path whole or not at all: fill writes
// the content into a temporary sibling directory, which gets mode perm and
// is renamed to path only when fill succeeds; on any failure it is removed.
// The parent of path must exist, and path must not.
func MakeDirAtomic(path string, perm os.FileMode, fill func(dir string) error) (err error) {
	tmp, err := os.MkdirTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, os.RemoveAll(tmp))
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	if err = os.Chmod(tmp, perm); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// resolveExisting resolves the symbolic links of the longest existing prefix
// of p and appends the rest unchanged.
func resolveExisting(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if !errors.Is(err, os.ErrNotExist) || filepath.Dir(cur) == cur {
			return "", err
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
