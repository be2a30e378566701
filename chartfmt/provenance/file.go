package provenance

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// MaxArchiveSize bounds a chart archive read from disk for signing or
// verifying.
const MaxArchiveSize = 64 << 20

// VerifyFile checks a chart archive on disk with ARCHIVE.prov next to it,
// as `helm verify` does; the name checked is the archive's base name.
func VerifyFile(ring *Keyring, archive string) (*Verification, error) {
	if fi, err := os.Stat(archive); err != nil {
		return nil, err
	} else if fi.IsDir() {
		return nil, errors.New("unpacked charts cannot be verified")
	}
	tgz, err := readBounded(archive, MaxArchiveSize)
	if err != nil {
		return nil, err
	}
	provPath := archive + Ext
	prov, err := readBounded(provPath, MaxSize)
	if err != nil {
		return nil, fmt.Errorf("could not load provenance file %s: %w", provPath, err)
	}
	return Verify(ring, tgz, filepath.Base(archive), prov)
}

// SignFile writes ARCHIVE.prov (mode 0644) next to a chart archive on disk
// and returns its path.
func SignFile(key *SigningKey, archive string) (string, error) {
	tgz, err := readBounded(archive, MaxArchiveSize)
	if err != nil {
		return "", err
	}
	prov, err := Sign(key, tgz, filepath.Base(archive))
	if err != nil {
		return "", err
	}
	provPath := archive + Ext
	if err := os.WriteFile(provPath, prov, 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", provPath, err)
	}
	return provPath, nil
}

// readBounded reads a file of at most max bytes.
func readBounded(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
}
