package oci

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/oci/signature"
)

// copySignatures copies the cosign signatures of manifest dig from src
// (read through from) to dst. The payloads name the digest, which a copy
// keeps, so they verify on the far side with the same keys. It reports how
// many signatures were added.
func (c *Client) copySignatures(ctx context.Context, from *Client, src, dst Reference, dig string) (int, error) {
	tag := signature.Tag(dig)
	srcRepo := from.repository(src)
	sm, err := from.signatureManifest(ctx, srcRepo, tag)
	if err != nil {
		return 0, fmt.Errorf("signatures of %s: %w", src.WithDigest(dig).Pinned(), err)
	}
	fetch := func(l ocispec.Descriptor) ([]byte, error) { return from.fetchBlob(ctx, srcRepo, l) }
	return c.mergeSignatures(ctx, dst, dig, sm.Layers, fetch)
}

// mergeSignatures adds to dst's sha256-<hex>.sig manifest the signature
// layers it lacks (dst's own signatures are kept); fetch reads a layer's
// payload from the source.
func (c *Client) mergeSignatures(ctx context.Context, dst Reference, dig string, layers []ocispec.Descriptor, fetch func(ocispec.Descriptor) ([]byte, error)) (int, error) {
	if len(layers) == 0 {
		return 0, nil
	}
	tag := signature.Tag(dig)
	dstRepo := c.repository(dst)
	dm, err := c.signatureManifest(ctx, dstRepo, tag)
	if err != nil {
		return 0, fmt.Errorf("signatures at %s: %w", dst.WithDigest(dig).Pinned(), err)
	}
	have := map[string]bool{}
	for _, l := range dm.Layers {
		have[l.Digest.String()+" "+l.Annotations[signature.SignatureAnnotation]] = true
	}
	added := 0
	for _, l := range layers {
		if l.MediaType != signature.PayloadMediaType || have[l.Digest.String()+" "+l.Annotations[signature.SignatureAnnotation]] {
			continue
		}
		if len(dm.Layers) >= maxSignatureLayers {
			return added, fmt.Errorf("%s already holds %d signatures", tag, len(dm.Layers))
		}
		if l.Size < 0 || l.Size > signature.MaxPayload {
			return added, fmt.Errorf("signature payload %s declares %d bytes, more than %d", l.Digest, l.Size, signature.MaxPayload)
		}
		b, err := fetch(l)
		if err != nil {
			return added, err
		}
		if _, err := pushBlob(ctx, dstRepo, l, b); err != nil {
			return added, fmt.Errorf("blob %s: %w", l.Digest, err)
		}
		dm.Layers = append(dm.Layers, ocispec.Descriptor{MediaType: l.MediaType, Digest: l.Digest, Size: l.Size, Annotations: l.Annotations})
		have[l.Digest.String()+" "+l.Annotations[signature.SignatureAnnotation]] = true
		added++
	}
	if added == 0 {
		return 0, nil
	}
	return added, writeSignatureManifest(ctx, dstRepo, tag, dm)
}

// imageRepository names the repository of an image reference as the
// registry knows it (docker.io images at index.docker.io/library/…).
func imageRepository(ref string) (Reference, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return Reference{}, err
	}
	return Reference{Registry: r.Context().RegistryStr(), Repository: r.Context().RepositoryStr()}, nil
}
