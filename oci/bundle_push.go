package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/image"
)

// RelocateOptions tune BundlePush and Copy.
type RelocateOptions struct {
	// Created is the packaged chart's time and created annotation.
	Created time.Time
	// Values and KubeVersion are used for the check render.
	Values      map[string]any
	KubeVersion string
	Jobs        int
	Progress    func(image.Event)
	// Force moves the chart version tag when it names another digest;
	// without it the push fails before uploading anything.
	Force bool
	// Sign, when set, signs what is pushed: each image, then the chart
	// (which a relocation rewrites, so the signatures it had cannot hold).
	Sign *SignOptions
}

// BundlePush pushes a bundle written by BundleSave to dest (oci://host/ns):
// every image by digest to host/ns/<name>, then the chart with its image
// values rewritten to those repositories (digests unchanged).
func (c *Client) BundlePush(ctx context.Context, path, dest string, opts RelocateOptions) (*ReleaseResult, error) {
	l, err := image.OpenLayout(path)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	defer l.Close()
	ch, err := bundleChart(l)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	var moved []movedImage
	for _, d := range l.Entries() {
		if d.Annotations[AnnotationBundleKind] != KindImage {
			continue
		}
		a, err := l.Artifact(d)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %w", path, err)
		}
		// Test-only images are pushed but not rewritten: test hooks are
		// not part of the release's manifests the rewrite is proven on.
		role := bundleRole(d.Annotations)
		moved = append(moved, movedImage{orig: d.Annotations[AnnotationBundleImage], art: a, dig: d.Digest.String(),
			extra: role != RoleWorkload})
	}
	res, err := c.pushRelocated(ctx, ch, moved, dest, opts)
	if err != nil {
		return nil, err
	}
	if err := c.pushBundleSignatures(ctx, l, res); err != nil {
		return nil, fmt.Errorf("bundle %s: pushed, but signatures: %w", path, err)
	}
	if err := c.pushBundleReferrers(ctx, l, res); err != nil {
		return nil, fmt.Errorf("bundle %s: pushed, but referrers: %w", path, err)
	}
	return res, nil
}

// pushRelocated rewrites ch for the moved images (before any upload, so a
// chart that cannot be rewritten pushes nothing), pushes the images, then
// the chart.
func (c *Client) pushRelocated(ctx context.Context, ch *chartfmt.Chart, moved []movedImage, dest string, opts RelocateOptions) (*ReleaseResult, error) {
	destRef, err := namespaceRef(dest)
	if err != nil {
		return nil, err
	}
	planned := planMoved(destRef, moved)
	relocated, err := relocateChart(ctx, ch, moved, opts.Values, opts.KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("relocate %s: %w", ch.Name(), err)
	}
	tgz, err := chartfmt.Package(relocated, chartfmt.PackageOptions{ModTime: opts.Created})
	if err != nil {
		return nil, err
	}
	prepared, err := c.prepareVersion(ctx, tgz, dest, opts.Created, opts.Force)
	if err != nil {
		return nil, fmt.Errorf("relocate %s: nothing pushed: %w", ch.Name(), err)
	}
	iopts := c.ImageOptions()
	iopts.Jobs, iopts.Progress = opts.Jobs, opts.Progress
	pusher, err := image.NewPusher(iopts)
	if err != nil {
		return nil, err
	}
	signer, err := c.releaseSigner(opts.Sign)
	if err != nil {
		return nil, fmt.Errorf("relocate %s: nothing pushed: %w", ch.Name(), err)
	}
	if err := pushImages(ctx, pusher, planned); err != nil {
		return nil, fmt.Errorf("relocate %s: chart not pushed: %w", ch.Name(), err)
	}
	out := &ReleaseResult{Images: released(planned)}
	if out.Signatures, err = signer.images(ctx, out.Images); err != nil {
		return nil, fmt.Errorf("relocate %s: chart not pushed: %w", ch.Name(), err)
	}
	if out.Chart, err = c.pushPrepared(ctx, prepared, opts.Force); err != nil {
		return nil, err
	}
	if err := linkImages(ctx, pusher, planned, out.Chart.Pinned); err != nil {
		return nil, fmt.Errorf("relocate %s: chart pushed as %s, but: %w", ch.Name(), out.Chart.Pinned, err)
	}
	if err := signer.chart(ctx, out); err != nil {
		return nil, fmt.Errorf("relocate %s: chart pushed as %s, but: %w", ch.Name(), out.Chart.Pinned, err)
	}
	return out, nil
}

// planMoved names each moved image's repository under destRef (setting
// its repo) and plans its push.
func planMoved(destRef Reference, moved []movedImage) []*plannedImage {
	var origs []string
	for _, m := range moved {
		origs = append(origs, m.orig)
	}
	repos := relocationRepos(destRef, origs)
	planned := make([]*plannedImage, len(moved))
	for i := range moved {
		moved[i].repo = repos[moved[i].orig]
		planned[i] = &plannedImage{spec: ImageSpec{Name: moved[i].orig, Source: moved[i].orig}, art: moved[i].art,
			repo: moved[i].repo, dig: moved[i].dig}
	}
	return planned
}

// bundleChart loads the chart entry of a bundle.
func bundleChart(l *image.Layout) (*chartfmt.Chart, error) {
	e, err := bundleChartEntry(l)
	if err != nil {
		return nil, err
	}
	return chartfmt.LoadArchive(bytesReader(e.archive))
}

// chartEntry is the chart of a bundle: its index entry, manifest and archive.
type chartEntry struct {
	desc     v1.Descriptor
	manifest ocispec.Manifest
	archive  []byte
}

// size counts what bundle save counts for a chart: manifest, config and
// chart layer.
func (e chartEntry) size() int64 {
	return e.desc.Size + e.manifest.Config.Size + int64(len(e.archive))
}

func bundleChartEntry(l *image.Layout) (chartEntry, error) {
	for _, d := range l.Entries() {
		if d.Annotations[AnnotationBundleKind] != KindChart {
			continue
		}
		e := chartEntry{desc: d}
		raw, err := l.ReadBlob(d.Digest)
		if err != nil {
			return e, err
		}
		if err := json.Unmarshal(raw, &e.manifest); err != nil {
			return e, fmt.Errorf("chart manifest %s: %w", d.Digest, err)
		}
		layer, _, _, err := chartLayers(e.manifest)
		if err != nil {
			return e, err
		}
		h, err := v1.NewHash(layer.Digest.String())
		if err != nil {
			return e, err
		}
		e.archive, err = l.ReadBlob(h)
		return e, err
	}
	return chartEntry{}, fmt.Errorf("no chart in the bundle (no index.json entry with %s=%s); was it written by `berth bundle save`?", AnnotationBundleKind, KindChart)
}

// BundleList describes what a bundle holds.
func BundleList(path string) ([]BundleEntry, error) {
	l, err := image.OpenLayout(path)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	defer l.Close()
	chart, err := bundleChartEntry(l)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	out := []BundleEntry{{Kind: KindChart, Ref: chart.desc.Annotations[image.AnnotationRefName], Digest: chart.desc.Digest.String(), Size: chart.size()}}
	for _, d := range l.Entries() {
		if d.Annotations[AnnotationBundleKind] == KindSignature {
			out = append(out, BundleEntry{Kind: KindSignature, Ref: d.Annotations[AnnotationBundleImage], Digest: d.Digest.String(), Size: d.Size})
			continue
		}
		if d.Annotations[AnnotationBundleKind] == KindReferrer {
			out = append(out, BundleEntry{Kind: KindReferrer, Ref: d.Annotations[AnnotationBundleImage], Digest: d.Digest.String(), Size: d.Size,
				ArtifactType: d.ArtifactType, Subject: d.Annotations[AnnotationBundleSubject]})
			continue
		}
		if d.Annotations[AnnotationBundleKind] != KindImage {
			continue
		}
		a, err := l.Artifact(d)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %w", path, err)
		}
		size, err := image.TotalSize(a)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: image %s: %w", path, d.Digest, err)
		}
		out = append(out, BundleEntry{Kind: KindImage, Ref: d.Annotations[AnnotationBundleImage], Digest: d.Digest.String(),
			Size: size, Extra: d.Annotations[AnnotationBundleExtra] == "true", Role: bundleRole(d.Annotations)})
	}
	return out, nil
}

// bundleRole reads an image entry's role; bundles written before roles
// existed hold workload and extra images only.
func bundleRole(ann map[string]string) string {
	if r := ann[AnnotationBundleRole]; r != "" {
		return r
	}
	if ann[AnnotationBundleExtra] == "true" {
		return RoleExtra
	}
	return RoleWorkload
}
