package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"
)

// Bounds on what a subject's referrers may bring along: the referrers API
// and the tag-schema index are input, so depth, count and bytes are capped.
const (
	// maxReferrerDepth: referrers, their referrers (a signature on an
	// SBOM) and one level more. Deeper ones are left behind.
	maxReferrerDepth = 3
	// maxReferrersCarried bounds the referrers carried for one subject,
	// all depths together.
	maxReferrersCarried = 64
	// maxReferrersListed bounds the referrers listed for one manifest,
	// berth's chart links included: an image kept across many releases
	// gets one link per chart version, and those are not carried.
	maxReferrersListed = 1024
	// maxReferrerBytes bounds the manifests and blobs carried for one
	// subject (each blob is bounded by maxBlobInMemory too).
	maxReferrerBytes = 256 << 20
)

// attached is one referrer of a subject: an OCI manifest whose subject is
// another manifest, read whole (manifest, config and layers) so it can be
// written to a registry or a bundle.
type attached struct {
	subject  digest.Digest
	desc     ocispec.Descriptor // the referrer manifest, with its artifact type
	manifest []byte
	blobs    []attachedBlob // config, then layers
}

type attachedBlob struct {
	desc ocispec.Descriptor
	data []byte
}

// size is what the referrer weighs: manifest and blobs.
func (a attached) size() int64 {
	n := int64(len(a.manifest))
	for _, b := range a.blobs {
		n += int64(len(b.data))
	}
	return n
}

// referrerSource is where referrers are read from: a registry repository
// or a bundle.
type referrerSource interface {
	// referrers lists the manifests whose subject is d.
	referrers(ctx context.Context, d digest.Digest) ([]ocispec.Descriptor, error)
	manifest(ctx context.Context, d ocispec.Descriptor) ([]byte, error)
	blob(ctx context.Context, d ocispec.Descriptor) ([]byte, error)
}

// collectReferrers reads the referrers of root, and theirs, breadth first
// (a referrer always after its subject), within the bounds above. berth's
// own chart links (ArtifactTypeChartRef) stay behind: they name where the
// chart was, and a relocation links the images to the chart it pushes.
// Index referrers are not carried.
func collectReferrers(ctx context.Context, src referrerSource, root digest.Digest) ([]attached, error) {
	var out []attached
	seen := map[digest.Digest]bool{root: true}
	level := []digest.Digest{root}
	var total int64
	for depth := 0; depth < maxReferrerDepth && len(level) > 0; depth++ {
		var next []digest.Digest
		for _, subject := range level {
			descs, err := src.referrers(ctx, subject)
			if err != nil {
				return nil, fmt.Errorf("referrers of %s: %w", subject, err)
			}
			for _, d := range descs {
				if seen[d.Digest] || d.ArtifactType == ArtifactTypeChartRef || d.MediaType != ocispec.MediaTypeImageManifest {
					continue
				}
				seen[d.Digest] = true
				a, err := readAttached(ctx, src, subject, d)
				if err != nil {
					return nil, fmt.Errorf("referrer %s of %s: %w", d.Digest, subject, err)
				}
				if a == nil {
					continue
				}
				if len(out) >= maxReferrersCarried {
					return nil, fmt.Errorf("%s has more than %d referrers (all depths)", root, maxReferrersCarried)
				}
				if total += a.size(); total > maxReferrerBytes {
					return nil, fmt.Errorf("the referrers of %s are larger than %d bytes", root, maxReferrerBytes)
				}
				out = append(out, *a)
				next = append(next, d.Digest)
			}
		}
		level = next
	}
	return out, nil
}

// readAttached reads referrer d of subject; nil when its manifest does not
// name subject (a tag-schema index can list anything) or is a berth chart
// link (known only from the manifest where the registry reports the config
// media type as the artifact type, as go-containerregistry's does). Blobs
// are read only for referrers that are carried.
func readAttached(ctx context.Context, src referrerSource, subject digest.Digest, d ocispec.Descriptor) (*attached, error) {
	mb, err := src.manifest(ctx, d)
	if err != nil {
		return nil, err
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Subject == nil || m.Subject.Digest != subject || m.ArtifactType == ArtifactTypeChartRef {
		return nil, nil
	}
	if len(m.Layers) > maxSignatureLayers {
		return nil, fmt.Errorf("manifest has %d layers, more than %d", len(m.Layers), maxSignatureLayers)
	}
	artifactType := m.ArtifactType
	if artifactType == "" {
		artifactType = m.Config.MediaType // as the referrers API reports it
	}
	a := &attached{subject: subject, manifest: mb,
		desc: ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: d.Digest, Size: int64(len(mb)),
			ArtifactType: artifactType, Annotations: m.Annotations}}
	for _, l := range append([]ocispec.Descriptor{m.Config}, m.Layers...) {
		b, err := src.blob(ctx, l)
		if err != nil {
			return nil, err
		}
		a.blobs = append(a.blobs, attachedBlob{desc: l, data: b})
	}
	return a, nil
}

// registryReferrers reads referrers from a repository: the referrers API,
// or the sha256-<hex> tag-schema index where the registry has no API.
type registryReferrers struct {
	c    *Client
	repo *remote.Repository
}

func (r registryReferrers) referrers(ctx context.Context, d digest.Digest) ([]ocispec.Descriptor, error) {
	var out []ocispec.Descriptor
	listed := 0
	err := r.repo.Referrers(ctx, ocispec.Descriptor{Digest: d}, "", func(page []ocispec.Descriptor) error {
		if listed += len(page); listed > maxReferrersListed {
			return fmt.Errorf("more than %d referrers", maxReferrersListed)
		}
		for _, p := range page {
			if p.ArtifactType != ArtifactTypeChartRef { // some registries report the config type instead
				out = append(out, p)
			}
		}
		return nil
	})
	if errors.Is(err, errdef.ErrNotFound) || errors.Is(err, errdef.ErrUnsupported) {
		return nil, nil
	}
	return out, err
}

func (r registryReferrers) manifest(ctx context.Context, d ocispec.Descriptor) ([]byte, error) {
	b, _, err := r.c.fetchManifest(ctx, r.repo, d.Digest)
	return b, err
}

func (r registryReferrers) blob(ctx context.Context, d ocispec.Descriptor) ([]byte, error) {
	return r.c.fetchBlob(ctx, r.repo, d)
}

// pushAttached writes referrers (subjects first) to repo: blobs the
// registry lacks, then the manifest, which a registry with the referrers
// API indexes by its subject and oras-go adds to the sha256-<hex> index on
// one without. It reports how many manifests were new.
func (c *Client) pushAttached(ctx context.Context, repo *remote.Repository, refs []attached) (int, error) {
	added := 0
	for _, a := range refs {
		ok, err := repo.Exists(ctx, a.desc)
		if err != nil {
			return added, fmt.Errorf("referrer %s: %w", a.desc.Digest, err)
		}
		if ok {
			continue
		}
		for _, b := range a.blobs {
			if _, err := pushBlob(ctx, repo, b.desc, b.data); err != nil {
				return added, fmt.Errorf("referrer %s: blob %s: %w", a.desc.Digest, b.desc.Digest, err)
			}
		}
		if err := repo.Push(ctx, a.desc, bytes.NewReader(a.manifest)); err != nil {
			return added, fmt.Errorf("referrer %s: %w", a.desc.Digest, err)
		}
		added++
	}
	return added, nil
}

// copyReferrers copies the referrers of manifest dig (and theirs) from src
// (read through from) to dst. The subject digest is unchanged, so they
// still refer to it on the far side.
func (c *Client) copyReferrers(ctx context.Context, from *Client, src, dst Reference, dig string) (int, error) {
	refs, err := collectReferrers(ctx, registryReferrers{c: from, repo: from.repository(src)}, digest.Digest(dig))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", src.WithDigest(dig).Pinned(), err)
	}
	n, err := c.pushAttached(ctx, c.repository(dst), refs)
	if err != nil {
		return n, fmt.Errorf("referrers at %s: %w", dst.WithDigest(dig).Pinned(), err)
	}
	return n, nil
}

// copyAttachments copies what is attached to manifest dig from src to
// dst: cosign's tag-based signatures and OCI 1.1 referrers.
func (c *Client) copyAttachments(ctx context.Context, from *Client, src, dst Reference, dig string) error {
	if _, err := c.copySignatures(ctx, from, src, dst, dig); err != nil {
		return err
	}
	_, err := c.copyReferrers(ctx, from, src, dst, dig)
	return err
}
