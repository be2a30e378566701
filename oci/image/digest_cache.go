package image

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/berth-dev/berth/internal/safefs"
)

// digestCache remembers the digests of archive entries, so releasing the
// same unchanged archive again does not read it again. An entry is keyed
// by the archive's path, device, inode, size and modification time and the
// entry's position: a rewritten archive never hits. (Like make or git's
// stat cache it trusts mtime; the registry still verifies every upload.)
type digestCache struct{ dir string }

func (c *digestCache) digest(path string, tb *tarBlobs, name string) (v1.Hash, error) {
	e := tb.entries[name]
	key, ok := c.key(path, e)
	if ok {
		if b, err := os.ReadFile(filepath.Join(c.dir, key)); err == nil {
			if h, err := v1.NewHash(string(b)); err == nil {
				return h, nil
			}
		}
	}
	rc, err := tb.section(name)
	if err != nil {
		return v1.Hash{}, err
	}
	defer rc.Close()
	h, _, err := v1.SHA256(rc)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("%s: hash %s: %w", path, name, err)
	}
	if ok {
		c.store(key, h)
	}
	return h, nil
}

func (c *digestCache) key(path string, e tarEntry) (string, bool) {
	if c == nil || c.dir == "" {
		return "", false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", false
	}
	id := fmt.Sprintf("%s|%d|%d|%d|%d", abs, fi.Size(), fi.ModTime().UnixNano(), e.offset, e.size)
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id += fmt.Sprintf("|%d|%d", st.Dev, st.Ino)
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:]), true
}

// store writes through a temporary file, so a reader never sees half a digest.
func (c *digestCache) store(key string, h v1.Hash) { c.storeValue(key, h.String()) }

func (c *digestCache) storeValue(key, value string) {
	// A failed write only costs a recomputation next time.
	_, _ = safefs.WriteFile(c.dir, key, []byte(value), 0o600)
}

// gzipKey names the cached gzip form of the uncompressed layer diffID, as
// compressed by this Go version at the default level (the key includes the
// Go version: another compress/flate may write other bytes).
func (c *digestCache) gzipKey(diffID v1.Hash) (string, bool) {
	if c == nil || c.dir == "" {
		return "", false
	}
	sum := sha256.Sum256([]byte("gzip-default|" + runtime.Version() + "|" + diffID.String()))
	return hex.EncodeToString(sum[:]), true
}

// gzipDigest returns the cached digest and size of diffID's gzip form.
func (c *digestCache) gzipDigest(diffID v1.Hash) (v1.Hash, int64, bool) {
	key, ok := c.gzipKey(diffID)
	if !ok {
		return v1.Hash{}, 0, false
	}
	b, err := os.ReadFile(filepath.Join(c.dir, key))
	if err != nil {
		return v1.Hash{}, 0, false
	}
	var digest string
	var size int64
	if _, err := fmt.Sscanf(string(b), "%s %d", &digest, &size); err != nil || size <= 0 {
		return v1.Hash{}, 0, false
	}
	h, err := v1.NewHash(digest)
	if err != nil {
		return v1.Hash{}, 0, false
	}
	return h, size, true
}

func (c *digestCache) storeGzip(diffID, digest v1.Hash, size int64) {
	if key, ok := c.gzipKey(diffID); ok {
		c.storeValue(key, fmt.Sprintf("%s %d", digest, size))
	}
}
