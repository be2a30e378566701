package image

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Artifact is an image (v1.Image) or a multi-platform index (v1.ImageIndex):
// anything with a manifest that can be pushed by digest.
type Artifact interface {
	MediaType() (types.MediaType, error)
	Digest() (v1.Hash, error)
	Size() (int64, error)
	RawManifest() ([]byte, error)
}

// Source prefixes that pick a kind of source explicitly. Without one, an
// existing path is an archive or layout (found by its content), anything
// else a registry reference.
const (
	PrefixDaemon   = "docker-daemon:"
	PrefixRegistry = "docker://"
	PrefixArchive  = "docker-archive:"
	PrefixLayout   = "oci:"
)

// ErrNotFound means the source holds no image matching the request.
var ErrNotFound = errors.New("image not found")

// Open opens source:
//
//	PATH[:REPO:TAG]                 docker save archive (pick by tag when it holds several),
//	                                OCI layout folder or OCI layout tar
//	docker-archive:PATH[:REPO:TAG]  the same, never a registry
//	oci:PATH[:REF]                  OCI layout folder or tar; REF matches org.opencontainers.image.ref.name
//	docker-daemon:REPO:TAG          the local Docker daemon
//	docker://REF, REF               a registry (REF may be pinned by digest)
func Open(ctx context.Context, source string, opts Options) (Artifact, error) {
	a, err := open(ctx, source, opts)
	if err != nil {
		return nil, fmt.Errorf("image source %q: %w", source, err)
	}
	return a, nil
}

func open(ctx context.Context, source string, opts Options) (Artifact, error) {
	switch {
	case strings.HasPrefix(source, PrefixDaemon):
		return openDaemon(ctx, strings.TrimPrefix(source, PrefixDaemon), opts)
	case strings.HasPrefix(source, PrefixRegistry):
		return openRemote(ctx, strings.TrimPrefix(source, PrefixRegistry), opts)
	case strings.HasPrefix(source, PrefixArchive):
		path, sel, err := splitPath(strings.TrimPrefix(source, PrefixArchive))
		if err != nil {
			return nil, err
		}
		return openArchive(ctx, path, sel, opts)
	case strings.HasPrefix(source, PrefixLayout):
		path, sel, err := splitPath(strings.TrimPrefix(source, PrefixLayout))
		if err != nil {
			return nil, err
		}
		return openLayoutPath(path, sel)
	}
	if path, sel, err := splitPath(source); err == nil {
		return openPath(ctx, path, sel, opts)
	}
	if looksLikePath(source) {
		return nil, fmt.Errorf("no such file or folder")
	}
	return openRemote(ctx, source, opts)
}

// splitPath finds the longest prefix of s that exists on disk; what follows
// a ':' after it selects an image inside ("app.tar:repo/app:1.0").
func splitPath(s string) (path, selector string, err error) {
	if _, err := os.Stat(s); err == nil {
		return s, "", nil
	}
	for i := strings.LastIndex(s, ":"); i > 0; i = strings.LastIndex(s[:i], ":") {
		if _, err := os.Stat(s[:i]); err == nil {
			return s[:i], s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("%s: %w", s, os.ErrNotExist)
}

// looksLikePath tells a missing file from a registry reference, so a typo in
// a file name does not turn into a registry lookup.
func looksLikePath(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") ||
		strings.HasSuffix(s, ".tar") || strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".tgz")
}

// openPath opens an archive or layout on disk, whichever it is.
func openPath(ctx context.Context, path, selector string, opts Options) (Artifact, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return openLayoutPath(path, selector)
	}
	kind, err := sniffTar(path)
	if err != nil {
		return nil, err
	}
	if kind == kindDockerArchive {
		return openArchive(ctx, path, selector, opts)
	}
	return openLayoutPath(path, selector)
}
