package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

type tarKind int

const (
	kindDockerArchive tarKind = iota
	kindLayout
)

// sniffTar tells a `docker save` archive (manifest.json) from an OCI layout
// tar (oci-layout). Archives from Docker 25+ hold both; the docker manifest
// wins because it carries the repo tags to pick from.
func sniffTar(path string) (tarKind, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	magic := make([]byte, 2)
	if n, _ := io.ReadFull(f, magic); n == 2 && bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return 0, fmt.Errorf("%s is gzip-compressed; `docker save` archives and OCI layout tars are plain tar (gunzip it first)", path)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	// On a file, tar.Reader seeks over entry contents: headers only are read.
	tr := tar.NewReader(f)
	layout := false
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return 0, fmt.Errorf("%s is empty or not a tar archive", path)
			}
			break
		}
		if err != nil {
			return 0, fmt.Errorf("%s is not a readable tar archive: %w", path, err)
		}
		switch strings.TrimPrefix(hdr.Name, "./") {
		case "manifest.json":
			return kindDockerArchive, nil
		case "oci-layout":
			layout = true
		}
	}
	if layout {
		return kindLayout, nil
	}
	return 0, fmt.Errorf("%s is a tar archive but neither a `docker save` archive (no manifest.json) nor an OCI layout (no oci-layout)", path)
}

// openArchive opens one image of a `docker save` archive: the one tagged
// selector, or the only one.
func openArchive(ctx context.Context, path, selector string, opts Options) (Artifact, error) {
	opener := func() (io.ReadCloser, error) { return os.Open(path) }
	m, err := tarball.LoadManifest(opener)
	if err != nil {
		return nil, fmt.Errorf("%s: read manifest.json: %w", path, err)
	}
	var tag *name.Tag
	if selector != "" {
		t, err := name.NewTag(selector)
		if err != nil {
			return nil, fmt.Errorf("%s: image tag %q: %w", path, selector, err)
		}
		if !hasTag(m, t) {
			return nil, fmt.Errorf("%s: no image tagged %s (%w); the archive holds %s", path, selector, ErrNotFound, archiveTags(m))
		}
		tag = &t
	} else if len(m) != 1 {
		return nil, fmt.Errorf("%s holds %d images; pick one with %s:REPO:TAG (%s)", path, len(m), path, archiveTags(m))
	}
	if d, ok := pick(m, tag); ok {
		a, err := openArchiveIndexed(ctx, path, d, &digestCache{dir: opts.DigestCacheDir})
		if a != nil || err != nil {
			return a, err
		}
	}
	img, err := tarball.Image(opener, tag)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Hash every blob now, so a corrupt archive fails before anything is pushed.
	if _, err := img.Manifest(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// pick returns the manifest.json entry tag selects (or the only one).
func pick(m tarball.Manifest, tag *name.Tag) (tarball.Descriptor, bool) {
	if tag == nil {
		return m[0], len(m) == 1
	}
	for _, d := range m {
		for _, rt := range d.RepoTags {
			if parsed, err := name.NewTag(rt); err == nil && parsed.String() == tag.String() {
				return d, true
			}
		}
	}
	return tarball.Descriptor{}, false
}

func hasTag(m tarball.Manifest, t name.Tag) bool {
	for _, d := range m {
		for _, rt := range d.RepoTags {
			if parsed, err := name.NewTag(rt); err == nil && parsed.String() == t.String() {
				return true
			}
		}
	}
	return false
}

func archiveTags(m tarball.Manifest) string {
	var tags []string
	for _, d := range m {
		if len(d.RepoTags) == 0 {
			tags = append(tags, "(untagged "+d.Config+")")
		}
		tags = append(tags, d.RepoTags...)
	}
	return strings.Join(tags, ", ")
}

// Digest returns a's manifest digest as "sha256:…".
func Digest(a Artifact) (string, error) {
	h, err := a.Digest()
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

var _ Artifact = v1.Image(nil)
