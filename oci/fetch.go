package oci

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/berth-dev/berth/chartfmt"
)

// maxManifestSize bounds what berth reads as a manifest or index (the
// distribution spec recommends registries accept at least 4 MiB).
const maxManifestSize = 4 << 20

// maxBlobInMemory bounds a blob read into memory: the largest chart archive.
const maxBlobInMemory = chartfmt.MaxChartSize

// errWrongSize means a body ended cleanly at another size than its
// descriptor's: the registry holds different content, so retrying cannot help.
var errWrongSize = errors.New("complete body has the wrong size")

// ErrDigestMismatch means a registry sent content that does not hash to the
// digest it was asked for: corruption or tampering. It is never retried.
var ErrDigestMismatch = errors.New("content does not match its digest")

// resolveTag returns the manifest descriptor a tag points to (HEAD request).
func resolveTag(ctx context.Context, repo *remote.Repository, ref Reference, tag string) (ocispec.Descriptor, error) {
	desc, err := repo.Resolve(ctx, tag)
	if errors.Is(err, errdef.ErrNotFound) {
		return desc, fmt.Errorf("tag %s not found in %s/%s", tag, ref.Registry, ref.Repository)
	}
	if err != nil {
		return desc, fmt.Errorf("resolve %s:%s: %w", ref.Repository, tag, err)
	}
	return desc, nil
}

// fetchManifest returns the manifest or index with digest d, from the cache
// or the registry, verified.
func (c *Client) fetchManifest(ctx context.Context, repo *remote.Repository, d digest.Digest) ([]byte, string, error) {
	if b, ok := c.cache.Get(d); ok {
		return b, mediaTypeOf(b), nil
	}
	var b []byte
	var mediaType string
	err := c.withReadRetries(ctx, func() error {
		desc, rc, err := repo.Manifests().FetchReference(ctx, d.String())
		if err != nil {
			return err
		}
		defer rc.Close()
		mediaType = desc.MediaType
		b, err = readVerified(rc, d, -1, maxManifestSize)
		return err
	})
	if errors.Is(err, errdef.ErrNotFound) {
		return nil, "", fmt.Errorf("manifest %s not found in %s", d, repo.Reference)
	}
	if err != nil {
		return nil, "", fmt.Errorf("manifest %s: %w", d, err)
	}
	if mt := mediaTypeOf(b); mt != "" {
		mediaType = mt
	}
	return b, mediaType, nil
}

// fetchBlob returns the blob desc, from the cache or the registry, verified
// against its size and digest.
func (c *Client) fetchBlob(ctx context.Context, repo *remote.Repository, desc ocispec.Descriptor) ([]byte, error) {
	if b, ok := c.cache.Get(desc.Digest); ok && int64(len(b)) == desc.Size {
		return b, nil
	}
	if desc.Size < 0 || desc.Size > maxBlobInMemory {
		return nil, fmt.Errorf("blob %s declares %d bytes, more than %d", desc.Digest, desc.Size, int64(maxBlobInMemory))
	}
	var b []byte
	err := c.withReadRetries(ctx, func() error {
		rc, err := repo.Blobs().Fetch(ctx, desc)
		if err != nil {
			return err
		}
		defer rc.Close()
		b, err = readVerified(rc, desc.Digest, desc.Size, desc.Size)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", desc.Digest, err)
	}
	return b, nil
}

// readVerified reads at most limit bytes and checks size (unless negative)
// and digest.
func readVerified(r io.Reader, d digest.Digest, size, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	if size >= 0 && int64(len(b)) != size {
		// The body ended without error (a broken connection is an error
		// above, and retried): the registry sent all it has.
		return nil, fmt.Errorf("%w: got %d bytes, want %d", errWrongSize, len(b), size)
	}
	if got := d.Algorithm().FromBytes(b); got != d {
		return nil, fmt.Errorf("%w: registry sent %s for %s", ErrDigestMismatch, got, d)
	}
	return b, nil
}

// withReadRetries repeats f when the body broke off mid-transfer (the
// transport retries only failures before the response headers).
func (c *Client) withReadRetries(ctx context.Context, f func() error) error {
	wait := c.opts.minBackoff()
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || attempt >= c.opts.retries() || errors.Is(err, ErrDigestMismatch) || errors.Is(err, errWrongSize) || !transientNetError(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}
