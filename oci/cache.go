package oci

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"

	"github.com/berth-dev/berth/internal/safefs"
)

// Cache stores verified content by digest under dir/blobs/<alg>/<hex>, the
// OCI image-layout shape. Entries are written to a temporary file and renamed,
// so a reader never sees a partial file and a failed pull leaves nothing.
type Cache struct {
	dir string
}

// NewCache returns a cache rooted at dir (created on first write).
func NewCache(dir string) *Cache { return &Cache{dir: dir} }

// Dir returns the cache's root folder.
func (c *Cache) Dir() string { return c.dir }

// Path returns where content with digest d is (or would be) stored.
func (c *Cache) Path(d digest.Digest) string {
	return filepath.Join(c.dir, "blobs", d.Algorithm().String(), d.Encoded())
}

// Get returns the cached content for d, verified again against d (a corrupted
// cache entry is removed and reported as a miss).
func (c *Cache) Get(d digest.Digest) ([]byte, bool) {
	if d.Validate() != nil {
		return nil, false
	}
	b, err := os.ReadFile(c.Path(d))
	if err != nil {
		return nil, false
	}
	if d.Algorithm().FromBytes(b) != d {
		_ = os.Remove(c.Path(d))
		return nil, false
	}
	return b, true
}

// Has reports whether d is cached (without reading it).
func (c *Cache) Has(d digest.Digest) bool {
	if d.Validate() != nil {
		return false
	}
	_, err := os.Stat(c.Path(d))
	return err == nil
}

// Put stores b under d after checking that b has that digest.
func (c *Cache) Put(d digest.Digest, b []byte) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if got := d.Algorithm().FromBytes(b); got != d {
		return fmt.Errorf("cache: content has digest %s, not %s", got, d)
	}
	if c.Has(d) {
		return nil
	}
	if _, err := safefs.WriteFile(c.dir, filepath.Join("blobs", d.Algorithm().String(), d.Encoded()), b, 0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}
