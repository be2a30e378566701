package oci

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/berth-dev/berth/chartfmt"
)

// PushOptions change what Push writes.
type PushOptions struct {
	// Prov is a provenance file to attach as a layer.
	Prov []byte
	// Created sets the created annotation (Chart.yaml's own annotation still
	// wins); zero means CreatedFromArchive.
	Created time.Time
	// Force moves the version tag when it names another digest; without
	// it such a push fails with *TagMovedError.
	Force bool
	// Sign, when set, signs the pushed manifest (see Client.Sign).
	Sign *SignOptions
}

// PushResult describes a pushed chart.
type PushResult struct {
	Ref      Reference // host/ns/name:tag@digest
	Name     string
	Version  string
	Digest   string
	Pinned   string // oci://host/ns/name@sha256:…
	Uploaded int    // blobs uploaded (the others were already there)
	Skipped  int
	// Signature is where the signature went (PushOptions.Sign only).
	Signature *SignResult
}

// Push uploads the chart archive tgz to dest ("oci://host/ns"): repository
// ns/<chart name>, tag <version> with '+' as '_'. Blobs the registry already
// has are not sent again.
func (c *Client) Push(ctx context.Context, tgz []byte, dest string, opts PushOptions) (*PushResult, error) {
	p, err := prepareChart(tgz, dest, opts)
	if err != nil {
		return nil, err
	}
	if opts.Sign == nil {
		return c.pushPrepared(ctx, p, opts.Force)
	}
	key, err := opts.Sign.load() // a wrong password fails before the push
	if err != nil {
		return nil, fmt.Errorf("push %s: %w", p.ref, err)
	}
	res, err := c.pushPrepared(ctx, p, opts.Force)
	if err != nil {
		return nil, err
	}
	if res.Signature, err = c.signRef(ctx, res.Ref, key); err != nil {
		return nil, fmt.Errorf("chart pushed as %s, but: %w", res.Pinned, err)
	}
	return res, nil
}

// preparedChart is a chart artifact built for its version tag, not yet
// pushed: its digest is known before any upload.
type preparedChart struct {
	ref  Reference // host/ns/name:tag
	art  *Artifact
	name string
	ver  string
}

func (p preparedChart) digest() string { return p.art.ManifestDesc.Digest.String() }

func prepareChart(tgz []byte, dest string, opts PushOptions) (preparedChart, error) {
	ch, err := chartfmt.LoadArchive(bytes.NewReader(tgz))
	if err != nil {
		return preparedChart{}, fmt.Errorf("push: %w", err)
	}
	base, err := ParseReference(dest)
	if err != nil {
		return preparedChart{}, fmt.Errorf("push: %w", err)
	}
	if base.Tag != "" || base.Digest != "" {
		return preparedChart{}, fmt.Errorf("push: %s: give the namespace only (oci://host/ns); the tag is the chart version", dest)
	}
	meta := ch.Metadata
	ref := base.Child(meta.Name).WithTag(meta.Version)
	created := opts.Created
	if created.IsZero() {
		if created, err = CreatedFromArchive(tgz); err != nil {
			return preparedChart{}, fmt.Errorf("push %s: %w", ref, err)
		}
	}
	art, err := BuildArtifact(tgz, meta, opts.Prov, created)
	if err != nil {
		return preparedChart{}, fmt.Errorf("push %s: %w", ref, err)
	}
	return preparedChart{ref: ref, art: art, name: meta.Name, ver: meta.Version}, nil
}

// pushPrepared pushes p unless its tag already names it (a no-op) or names
// another digest (refused unless force).
func (c *Client) pushPrepared(ctx context.Context, p preparedChart, force bool) (*PushResult, error) {
	same, err := c.checkTag(ctx, p.ref, p.digest(), force)
	if err != nil {
		return nil, explainRefusal(fmt.Errorf("push %s: %w", p.ref, err), p.ref.Registry, "push")
	}
	var res *PushResult
	if same {
		res = &PushResult{Skipped: 2, Ref: p.ref.WithDigest(p.digest()), Digest: p.digest()}
		if p.art.Prov != nil {
			res.Skipped++
		}
		res.Pinned = res.Ref.Pinned()
	} else if res, err = c.PushArtifact(ctx, p.ref, p.art); err != nil {
		return nil, explainRefusal(err, p.ref.Registry, "push")
	}
	res.Name, res.Version = p.name, p.ver
	return res, nil
}

// PushArtifact uploads a built artifact's blobs (concurrently, skipping
// those the registry has) and then its manifest, tagged ref.Tag.
func (c *Client) PushArtifact(ctx context.Context, ref Reference, art *Artifact) (*PushResult, error) {
	repo := c.repository(ref)
	type blob struct {
		desc ocispec.Descriptor
		data []byte
	}
	blobs := []blob{{art.ConfigDesc, art.Config}, {art.ChartDesc, art.Chart}}
	if art.Prov != nil {
		blobs = append(blobs, blob{art.ProvDesc, art.Prov})
	}
	var uploaded atomic.Int32
	g, gctx := errgroup.WithContext(ctx)
	for _, b := range blobs {
		g.Go(func() error {
			sent, err := pushBlob(gctx, repo, b.desc, b.data)
			if err != nil {
				return fmt.Errorf("push %s: blob %s: %w", ref, b.desc.Digest, err)
			}
			if sent {
				uploaded.Add(1)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := repo.PushReference(ctx, art.ManifestDesc, bytes.NewReader(art.Manifest), ref.Tag); err != nil {
		return nil, fmt.Errorf("push %s: manifest: %w", ref, err)
	}
	// What was pushed is known-good content: a later pull needs no download.
	for _, b := range append(blobs, blob{art.ManifestDesc, art.Manifest}) {
		_ = c.cache.Put(b.desc.Digest, b.data)
	}
	res := &PushResult{Uploaded: int(uploaded.Load()), Skipped: len(blobs) - int(uploaded.Load())}
	res.Ref = ref.WithDigest(art.ManifestDesc.Digest.String())
	res.Digest = art.ManifestDesc.Digest.String()
	res.Pinned = res.Ref.Pinned()
	return res, nil
}

// pushBlob uploads data unless the registry has it; it reports whether it uploaded.
func pushBlob(ctx context.Context, repo *remote.Repository, desc ocispec.Descriptor, data []byte) (bool, error) {
	ok, err := repo.Exists(ctx, desc)
	if err != nil {
		return false, err
	}
	if ok {
		return false, nil
	}
	return true, repo.Push(ctx, desc, bytes.NewReader(data))
}
