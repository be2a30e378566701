package chartrepo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/berth-dev/berth/internal/safefs"
)

// Update downloads e's index.yaml into the cache, verbatim once it parses
// (helm reads the same file), with the chart names beside it.
func Update(ctx context.Context, p Paths, e *Entry, opts Options) (*IndexFile, error) {
	if err := ValidateName(e.Name); err != nil {
		return nil, err
	}
	c, err := NewClient(e, opts)
	if err != nil {
		return nil, err
	}
	raw, idx, err := c.FetchIndex(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := safefs.WriteFile(p.Cache, filepath.Base(p.IndexCacheFile(e.Name)), raw, 0o644); err != nil {
		return nil, fmt.Errorf("caching the index of %s: %w", e.Name, err)
	}
	names := make([]string, 0, len(idx.Entries))
	for n := range idx.Entries {
		names = append(names, n)
	}
	sort.Strings(names)
	txt := strings.Join(names, "\n")
	if len(names) > 0 {
		txt += "\n"
	}
	if _, err := safefs.WriteFile(p.Cache, filepath.Base(p.ChartsCacheFile(e.Name)), []byte(txt), 0o644); err != nil {
		return nil, fmt.Errorf("caching the chart names of %s: %w", e.Name, err)
	}
	return idx, nil
}

// CachedIndex reads the cached index of repository name.
func CachedIndex(p Paths, name string) (*IndexFile, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	path := p.IndexCacheFile(name)
	b, err := readBounded(path, MaxIndexSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no cached index for repository %q (%s): run 'berth repo update %s': %w", name, path, name, err)
	}
	if err != nil {
		return nil, err
	}
	idx, err := ParseIndex(b)
	if err != nil {
		return nil, fmt.Errorf("error loading %s: %w", path, err)
	}
	return idx, nil
}

// RemoveCache deletes the cached index and chart list of repository name.
func RemoveCache(p Paths, name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	for _, f := range []string{p.IndexCacheFile(name), p.ChartsCacheFile(name)} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", f, err)
		}
	}
	return nil
}
