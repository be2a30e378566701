package oci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/berth-dev/berth/oci/signature"
)

// maxReferrers bounds the signature referrers read for one manifest.
const maxReferrers = 64

// VerifyOptions name the keys a signature must come from.
type VerifyOptions struct {
	// KeyFiles are PEM public keys (cosign.pub); a signature by any of them
	// is accepted.
	KeyFiles []string
}

// Verified says which signature was accepted.
type Verified struct {
	Subject Reference // repository@digest that was verified
	Key     string    // the key file that verified it
	Source  string    // "tag sha256-….sig" or "referrer sha256:…"
}

// VerifyError refuses an artifact: Ref is what was checked, Reason why.
type VerifyError struct {
	Ref    string
	Reason string
	// Unsigned is true when no signature was found at all.
	Unsigned bool
}

func (e *VerifyError) Error() string { return "verify " + e.Ref + ": " + e.Reason }

// Verify resolves ref to a manifest digest and checks that it carries a
// signature, as cosign writes them, that verifies over a payload naming that
// digest with one of the keys. Signatures are read from the tag
// sha256-<hex>.sig (cosign v2's default layout) and then from OCI 1.1
// referrers of type application/vnd.dev.cosign.artifact.sig.v1+json. A
// refusal is a *VerifyError.
func (c *Client) Verify(ctx context.Context, ref string, opts VerifyOptions) (*Verified, error) {
	keys, err := signature.ReadPublicKeys(opts.KeyFiles)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", ref, err)
	}
	r, err := parseSubject(ref)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	repo := c.repository(r)
	if r, err = c.subjectDigest(ctx, repo, r); err != nil {
		return nil, fmt.Errorf("verify %s: %w", ref, err)
	}
	return c.verifyDigest(ctx, repo, r, keys)
}

// verifyDigest checks the signatures of r (which has a digest).
func (c *Client) verifyDigest(ctx context.Context, repo *remote.Repository, r Reference, keys []*signature.PublicKey) (*Verified, error) {
	var reasons []string
	found := 0
	for _, src := range []func(context.Context, *remote.Repository, Reference) ([]sigSource, error){c.tagSignatures, c.referrerSignatures} {
		sources, err := src(ctx, repo, r)
		if err != nil {
			return nil, fmt.Errorf("verify %s: %w", r.Pinned(), err)
		}
		for _, s := range sources {
			for i, l := range s.layers {
				found++
				cand, err := c.candidate(ctx, repo, l)
				if err == nil {
					var k *signature.PublicKey
					if k, err = signature.Verify(keys, cand, r.Digest); err == nil {
						return &Verified{Subject: r, Key: k.Name, Source: s.name}, nil
					}
				}
				reasons = append(reasons, fmt.Sprintf("%s signature %d: %v", s.name, i+1, err))
			}
		}
	}
	if found == 0 {
		return nil, &VerifyError{Ref: r.String(), Unsigned: true,
			Reason: "not signed: no signature in tag " + signature.Tag(r.Digest) + " nor in referrers"}
	}
	return nil, &VerifyError{Ref: r.String(), Reason: "no valid signature: " + strings.Join(reasons, "; ")}
}

// sigSource is one manifest holding signature layers.
type sigSource struct {
	name   string
	layers []ocispec.Descriptor
}

// tagSignatures reads the manifest tagged sha256-<hex>.sig, if any.
func (c *Client) tagSignatures(ctx context.Context, repo *remote.Repository, r Reference) ([]sigSource, error) {
	tag := signature.Tag(r.Digest)
	desc, err := repo.Resolve(ctx, tag)
	if errors.Is(err, errdef.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", tag, err)
	}
	layers, err := c.signatureLayers(ctx, repo, desc.Digest, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tag, err)
	}
	return []sigSource{{name: "tag " + tag, layers: layers}}, nil
}

// referrerSignatures reads cosign signature referrers of r (the referrers
// API, or its tag-schema fallback).
func (c *Client) referrerSignatures(ctx context.Context, repo *remote.Repository, r Reference) ([]sigSource, error) {
	var descs []ocispec.Descriptor
	subject := ocispec.Descriptor{Digest: digest.Digest(r.Digest)}
	// Not filtered by the API: some registries (go-containerregistry's)
	// report the config media type as the artifact type, which for cosign's
	// referrers is the empty config. The manifest itself is checked below.
	err := repo.Referrers(ctx, subject, "", func(page []ocispec.Descriptor) error {
		for _, d := range page {
			if d.ArtifactType == ArtifactTypeChartRef || d.Annotations[AnnotationChart] != "" {
				continue // berth's chart links, one per release of an image
			}
			switch d.ArtifactType {
			case signature.ArtifactType, ocispec.MediaTypeEmptyJSON, "":
				descs = append(descs, d)
			}
		}
		if len(descs) > maxReferrers {
			return fmt.Errorf("more than %d signature referrers", maxReferrers)
		}
		return nil
	})
	if errors.Is(err, errdef.ErrNotFound) || errors.Is(err, errdef.ErrUnsupported) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("referrers: %w", err)
	}
	var out []sigSource
	for _, d := range descs {
		layers, err := c.signatureLayers(ctx, repo, d.Digest, signature.ArtifactType)
		if err != nil {
			return nil, fmt.Errorf("referrer %s: %w", d.Digest, err)
		}
		out = append(out, sigSource{name: "referrer " + d.Digest.String(), layers: layers})
	}
	return out, nil
}

// signatureLayers returns the simple-signing layers of manifest d; with
// artifactType, none unless the manifest (or its config) has that type.
func (c *Client) signatureLayers(ctx context.Context, repo *remote.Repository, d digest.Digest, artifactType string) ([]ocispec.Descriptor, error) {
	b, _, err := c.fetchManifest(ctx, repo, d)
	if err != nil {
		return nil, err
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", d, err)
	}
	if artifactType != "" && m.ArtifactType != artifactType && m.Config.MediaType != artifactType {
		return nil, nil
	}
	if len(m.Layers) > maxSignatureLayers {
		return nil, fmt.Errorf("manifest %s has %d layers, more than %d", d, len(m.Layers), maxSignatureLayers)
	}
	var out []ocispec.Descriptor
	for _, l := range m.Layers {
		if l.MediaType == signature.PayloadMediaType {
			out = append(out, l)
		}
	}
	return out, nil
}

// candidate reads one signature layer: its payload blob and annotation.
func (c *Client) candidate(ctx context.Context, repo *remote.Repository, l ocispec.Descriptor) (signature.Signed, error) {
	sig, ok := l.Annotations[signature.SignatureAnnotation]
	if !ok {
		return signature.Signed{}, errors.New("layer has no " + signature.SignatureAnnotation + " annotation")
	}
	if l.Size < 0 || l.Size > signature.MaxPayload {
		return signature.Signed{}, fmt.Errorf("payload %s declares %d bytes, more than %d", l.Digest, l.Size, signature.MaxPayload)
	}
	b, err := c.fetchBlob(ctx, repo, l)
	if err != nil {
		return signature.Signed{}, err
	}
	return signature.Signed{Payload: b, Signature: sig}, nil
}

// verifyResolved applies PullOptions.Verify to a resolved chart.
func (c *Client) verifyResolved(ctx context.Context, repo *remote.Repository, res resolved, opts *VerifyOptions) error {
	if opts == nil {
		return nil
	}
	keys, err := signature.ReadPublicKeys(opts.KeyFiles)
	if err != nil {
		return fmt.Errorf("verify %s: %w", res.ref.Pinned(), err)
	}
	_, err = c.verifyDigest(ctx, repo, res.ref.WithDigest(res.digest.String()), keys)
	return err
}
