package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// tarBlobs reads an OCI layout inside a tar without extracting it: one scan
// records where each entry's content starts, and blobs are then read as
// sections of the file (a fresh handle per read, so nothing stays open).
type tarBlobs struct {
	path    string
	entries map[string]tarEntry
	// spool, when set, is an already unlinked file (a daemon export) read
	// in place instead of reopening path.
	spool *os.File
}

type tarEntry struct{ offset, size int64 }

func openTarBlobs(path string) (*tarBlobs, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return indexTar(f, path)
}

// indexTar records where each regular entry of the tar in f starts.
func indexTar(f *os.File, path string) (*tarBlobs, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	t := &tarBlobs{path: path, entries: map[string]tarEntry{}}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s is not a readable tar archive: %w", path, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		// tar.Reader reads no further than the header, so the file offset is
		// where this entry's content begins.
		off, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, err
		}
		t.entries[strings.TrimPrefix(hdr.Name, "./")] = tarEntry{offset: off, size: hdr.Size}
	}
	return t, nil
}

func (t *tarBlobs) section(name string) (io.ReadCloser, error) {
	e, ok := t.entries[name]
	if !ok {
		return nil, fmt.Errorf("%s: no entry %s: %w", t.path, name, ErrNotFound)
	}
	if t.spool != nil {
		return io.NopCloser(io.NewSectionReader(t.spool, e.offset, e.size)), nil
	}
	f, err := os.Open(t.path)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, e.offset, e.size), f}, nil
}

func (t *tarBlobs) open(h v1.Hash) (io.ReadCloser, error) {
	return t.section("blobs/" + h.Algorithm + "/" + h.Hex)
}

func (t *tarBlobs) file(name string) ([]byte, error) {
	rc, err := t.section(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func (t *tarBlobs) close() error { return nil }
