package oci

import (
	"context"
	"fmt"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/oci/image"
)

// Bundle entries that hold an image's OCI 1.1 referrers (an SBOM, a
// signature stored as a referrer, and their own referrers): the referrer
// manifest byte for byte, listed in index.json with its subject's digest.
const (
	KindReferrer = "referrer"
	// AnnotationBundleSubject is the digest of the manifest a referrer
	// entry refers to (its manifest's subject).
	AnnotationBundleSubject = "dev.berth.bundle.subject"
)

// bundleRefs are the referrers of one bundled image.
type bundleRefs struct {
	image string // the image reference, as the image entry names it
	refs  []attached
}

// bundleReferrers reads the referrers of every image in arts from its
// registry (images without any are skipped).
func (c *Client) bundleReferrers(ctx context.Context, arts map[string]image.Artifact) ([]bundleRefs, error) {
	names := make([]string, 0, len(arts))
	for ref := range arts {
		names = append(names, ref)
	}
	sort.Strings(names)
	var out []bundleRefs
	for _, ref := range names {
		d, err := image.Digest(arts[ref])
		if err != nil {
			return nil, err
		}
		r, err := imageRepository(ref)
		if err != nil {
			return nil, err
		}
		refs, err := collectReferrers(ctx, registryReferrers{c: c, repo: c.repository(r)}, digest.Digest(d))
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", ref, err)
		}
		if len(refs) > 0 {
			out = append(out, bundleRefs{image: ref, refs: refs})
		}
	}
	return out, nil
}

// writeReferrers adds the referrers to a bundle being written, each after
// its subject.
func writeReferrers(bw *bundleWriter, all []bundleRefs) ([]BundleEntry, error) {
	var entries []BundleEntry
	for _, br := range all {
		for _, a := range br.refs {
			for _, b := range a.blobs {
				if err := bw.blob(bytesBlob(b.data)); err != nil {
					return nil, err
				}
			}
			if err := bw.blob(bytesBlob(a.manifest)); err != nil {
				return nil, err
			}
			h, err := v1.NewHash(a.desc.Digest.String())
			if err != nil {
				return nil, err
			}
			bw.index = append(bw.index, v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: h, Size: a.desc.Size,
				ArtifactType: a.desc.ArtifactType,
				Annotations:  map[string]string{AnnotationBundleKind: KindReferrer, AnnotationBundleImage: br.image, AnnotationBundleSubject: a.subject.String()}})
			entries = append(entries, BundleEntry{Kind: KindReferrer, Ref: br.image, Digest: a.desc.Digest.String(), Size: a.size(),
				ArtifactType: a.desc.ArtifactType, Subject: a.subject.String()})
		}
	}
	return entries, nil
}

// layoutReferrers reads the referrers a bundle holds for one image.
type layoutReferrers struct {
	l     *image.Layout
	image string
}

func (s layoutReferrers) referrers(_ context.Context, d digest.Digest) ([]ocispec.Descriptor, error) {
	var out []ocispec.Descriptor
	for _, e := range s.l.Entries() {
		a := e.Annotations
		if a[AnnotationBundleKind] != KindReferrer || a[AnnotationBundleImage] != s.image || a[AnnotationBundleSubject] != d.String() {
			continue
		}
		out = append(out, ocispec.Descriptor{MediaType: string(e.MediaType), Digest: digest.Digest(e.Digest.String()), Size: e.Size, ArtifactType: e.ArtifactType})
	}
	return out, nil
}

func (s layoutReferrers) manifest(_ context.Context, d ocispec.Descriptor) ([]byte, error) {
	return s.read(d, maxManifestSize)
}

func (s layoutReferrers) blob(_ context.Context, d ocispec.Descriptor) ([]byte, error) {
	return s.read(d, maxBlobInMemory)
}

func (s layoutReferrers) read(d ocispec.Descriptor, limit int64) ([]byte, error) {
	if d.Size < 0 || d.Size > limit {
		return nil, fmt.Errorf("blob %s declares %d bytes, more than %d", d.Digest, d.Size, limit)
	}
	h, err := v1.NewHash(d.Digest.String())
	if err != nil {
		return nil, err
	}
	b, err := s.l.ReadBlob(h)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != d.Size {
		return nil, fmt.Errorf("blob %s has %d bytes, its descriptor says %d", d.Digest, len(b), d.Size)
	}
	return b, nil
}

// pushBundleReferrers pushes the referrers a bundle holds next to the
// images pushed from it (res.Images, named by their bundle reference).
// Bundles written before referrers travelled have none: nothing to do.
func (c *Client) pushBundleReferrers(ctx context.Context, l *image.Layout, res *ReleaseResult) error {
	for _, img := range res.Images {
		refs, err := collectReferrers(ctx, layoutReferrers{l: l, image: img.Name}, digest.Digest(img.Digest))
		if err != nil {
			return fmt.Errorf("image %s: %w", img.Name, err)
		}
		if len(refs) == 0 {
			continue
		}
		repo, err := imageRepository(img.Ref)
		if err != nil {
			return err
		}
		if _, err := c.pushAttached(ctx, c.repository(repo), refs); err != nil {
			return fmt.Errorf("image %s: %w", img.Name, err)
		}
	}
	return nil
}
