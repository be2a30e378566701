package oci

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
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
	p := c.Path(d)
	if c.Has(d) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return writeFileAtomic(p, b, 0o644)
}

// writeFileAtomic writes b to a temporary file next to path and renames it.
func writeFileAtomic(path string, b []byte, mode os.FileMode) (err error) {
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
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	return nil
}
