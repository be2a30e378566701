package oci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/errdef"

	"github.com/berth-dev/berth/oci/image"
	"github.com/berth-dev/berth/oci/signature"
)

// Bundle entries that hold an image's cosign signatures (its
// sha256-<hex>.sig manifest, byte for byte).
const (
	KindSignature = "signature"
	// AnnotationBundleSigned is the digest the signatures are over.
	AnnotationBundleSigned = "dev.berth.bundle.signed"
)

// bundleSig is the signature manifest of one bundled image.
type bundleSig struct {
	subject  string // the image reference, as the image entry names it
	digest   string // the image's digest
	manifest []byte
	blobs    [][]byte // config and payloads
}

// bundleSignatures reads the tag-layout signatures of every image in arts
// (images without any are skipped).
func (c *Client) bundleSignatures(ctx context.Context, arts map[string]image.Artifact) ([]bundleSig, error) {
	refs := make([]string, 0, len(arts))
	for ref := range arts {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	var out []bundleSig
	for _, ref := range refs {
		d, err := image.Digest(arts[ref])
		if err != nil {
			return nil, err
		}
		s, err := c.readSignatureManifest(ctx, ref, d)
		if err != nil {
			return nil, fmt.Errorf("signatures of %s: %w", ref, err)
		}
		if s != nil {
			out = append(out, *s)
		}
	}
	return out, nil
}

func (c *Client) readSignatureManifest(ctx context.Context, ref, dig string) (*bundleSig, error) {
	r, err := imageRepository(ref)
	if err != nil {
		return nil, err
	}
	repo := c.repository(r)
	desc, err := repo.Resolve(ctx, signature.Tag(dig))
	if errors.Is(err, errdef.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mb, _, err := c.fetchManifest(ctx, repo, desc.Digest)
	if err != nil {
		return nil, err
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", desc.Digest, err)
	}
	if len(m.Layers) > maxSignatureLayers {
		return nil, fmt.Errorf("manifest %s has %d layers, more than %d", desc.Digest, len(m.Layers), maxSignatureLayers)
	}
	s := &bundleSig{subject: ref, digest: dig, manifest: mb}
	for _, l := range append([]ocispec.Descriptor{m.Config}, m.Layers...) {
		if l.Size < 0 || l.Size > signature.MaxPayload {
			return nil, fmt.Errorf("blob %s declares %d bytes, more than %d", l.Digest, l.Size, signature.MaxPayload)
		}
		b, err := c.fetchBlob(ctx, repo, l)
		if err != nil {
			return nil, err
		}
		s.blobs = append(s.blobs, b)
	}
	return s, nil
}

// writeSignatures adds the signature manifests to a bundle being written.
func writeSignatures(bw *bundleWriter, sigs []bundleSig) ([]BundleEntry, error) {
	var entries []BundleEntry
	for _, s := range sigs {
		size := int64(len(s.manifest))
		for _, b := range s.blobs {
			if err := bw.blob(bytesBlob(b)); err != nil {
				return nil, err
			}
			size += int64(len(b))
		}
		mb := bytesBlob(s.manifest)
		if err := bw.blob(mb); err != nil {
			return nil, err
		}
		bw.index = append(bw.index, v1.Descriptor{MediaType: "application/vnd.oci.image.manifest.v1+json", Digest: mb.Digest, Size: mb.Size,
			Annotations: map[string]string{AnnotationBundleKind: KindSignature, AnnotationBundleImage: s.subject, AnnotationBundleSigned: s.digest}})
		entries = append(entries, BundleEntry{Kind: KindSignature, Ref: s.subject, Digest: mb.Digest.String(), Size: size})
	}
	return entries, nil
}

// pushBundleSignatures pushes the signatures a bundle holds next to the
// images pushed from it (res.Images, named by their bundle reference).
func (c *Client) pushBundleSignatures(ctx context.Context, l *image.Layout, res *ReleaseResult) error {
	dest := map[string]string{}
	for _, img := range res.Images {
		dest[img.Name] = img.Ref
	}
	for _, d := range l.Entries() {
		if d.Annotations[AnnotationBundleKind] != KindSignature {
			continue
		}
		to, ok := dest[d.Annotations[AnnotationBundleImage]]
		if !ok {
			continue // its image was not pushed
		}
		raw, err := l.ReadBlob(d.Digest)
		if err != nil {
			return err
		}
		var m ocispec.Manifest
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("signature manifest %s: %w", d.Digest, err)
		}
		repo, err := imageRepository(to)
		if err != nil {
			return err
		}
		fetch := func(desc ocispec.Descriptor) ([]byte, error) {
			h, err := v1.NewHash(desc.Digest.String())
			if err != nil {
				return nil, err
			}
			return l.ReadBlob(h)
		}
		if _, err := c.mergeSignatures(ctx, repo, d.Annotations[AnnotationBundleSigned], m.Layers, fetch); err != nil {
			return fmt.Errorf("image %s: %w", d.Annotations[AnnotationBundleImage], err)
		}
	}
	return nil
}
