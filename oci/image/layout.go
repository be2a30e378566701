package image

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// AnnotationRefName names an entry of an OCI layout's index.json.
const AnnotationRefName = "org.opencontainers.image.ref.name"

// Layout is an OCI image layout, a folder or a tar of one, read in place:
// blobs are streamed from their tar entries, never extracted.
type Layout struct {
	path  string
	blobs blobSource
	index v1.IndexManifest
}

// blobSource opens blobs by digest.
type blobSource interface {
	open(h v1.Hash) (io.ReadCloser, error)
	close() error
}

// OpenLayout reads the layout at path (a folder or a tar) and its index.json.
func OpenLayout(path string) (*Layout, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var src blobSource
	if fi.IsDir() {
		src = dirBlobs(path)
	} else if src, err = openTarBlobs(path); err != nil {
		return nil, err
	}
	l := &Layout{path: path, blobs: src}
	raw, err := l.file("index.json")
	if err != nil {
		src.close()
		return nil, fmt.Errorf("%s: not an OCI layout: %w", path, err)
	}
	if err := json.Unmarshal(raw, &l.index); err != nil {
		src.close()
		return nil, fmt.Errorf("%s: index.json: %w", path, err)
	}
	return l, nil
}

// Close releases the tar file (if any).
func (l *Layout) Close() error { return l.blobs.close() }

// Entries are the manifests index.json lists, with their annotations.
func (l *Layout) Entries() []v1.Descriptor { return l.index.Manifests }

// Blob opens a blob by digest.
func (l *Layout) Blob(h v1.Hash) (io.ReadCloser, error) { return l.blobs.open(h) }

// ReadBlob reads a whole (small) blob and checks its digest.
func (l *Layout) ReadBlob(h v1.Hash) ([]byte, error) {
	rc, err := l.blobs.open(h)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("%s: blob %s: %w", l.path, h, err)
	}
	if got, _, _ := v1.SHA256(bytes.NewReader(b)); got != h {
		return nil, fmt.Errorf("%s: blob %s is corrupt (its content hashes to %s)", l.path, h, got)
	}
	return b, nil
}

// Artifact returns the image or index an entry names.
func (l *Layout) Artifact(d v1.Descriptor) (Artifact, error) {
	if d.MediaType.IsIndex() {
		return l.indexAt(d)
	}
	if d.MediaType.IsImage() {
		return l.imageAt(d)
	}
	return nil, fmt.Errorf("%s: %s has media type %s, not an image or index", l.path, d.Digest, d.MediaType)
}

// Find returns the entry whose ref name is ref (or ends in ":"+ref), or the
// only entry when ref is empty.
func (l *Layout) Find(ref string) (v1.Descriptor, error) {
	var names []string
	for _, d := range l.index.Manifests {
		n := d.Annotations[AnnotationRefName]
		if ref != "" && (n == ref || strings.HasSuffix(n, ":"+ref)) {
			return d, nil
		}
		names = append(names, n)
	}
	if ref == "" && len(l.index.Manifests) == 1 {
		return l.index.Manifests[0], nil
	}
	if ref == "" {
		return v1.Descriptor{}, fmt.Errorf("%s holds %d manifests; pick one with :REF (%s)", l.path, len(names), strings.Join(names, ", "))
	}
	return v1.Descriptor{}, fmt.Errorf("%s: no manifest named %q (%w); it holds %s", l.path, ref, ErrNotFound, strings.Join(names, ", "))
}

func (l *Layout) file(name string) ([]byte, error) {
	if d, ok := l.blobs.(dirBlobs); ok {
		return os.ReadFile(filepath.Join(string(d), name))
	}
	return l.blobs.(*tarBlobs).file(name)
}

// openLayoutPath opens the selected artifact of a layout folder or tar.
func openLayoutPath(path, selector string) (Artifact, error) {
	l, err := OpenLayout(path)
	if err != nil {
		return nil, err
	}
	d, err := l.Find(selector)
	if err != nil {
		l.Close()
		return nil, err
	}
	a, err := l.Artifact(d)
	if err != nil {
		l.Close()
		return nil, err
	}
	return a, nil
}

type dirBlobs string

func (d dirBlobs) open(h v1.Hash) (io.ReadCloser, error) {
	f, err := os.Open(filepath.Join(string(d), "blobs", h.Algorithm, h.Hex))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: blob %s missing: %w", d, h, ErrNotFound)
	}
	return f, err
}

func (dirBlobs) close() error { return nil }
