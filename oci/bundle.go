package oci

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/internal/safefs"
	"github.com/berth-dev/berth/oci/image"
)

// Bundle index annotations: what each entry of a bundle's index.json is.
const (
	AnnotationBundleKind = "dev.berth.bundle.kind" // "chart" or "image"
	// AnnotationBundleImage is the image reference as the chart renders it
	// (or as --image gave it), the key for rewriting on push.
	AnnotationBundleImage = "dev.berth.bundle.image"
	// AnnotationBundleExtra marks images added with --image, which the
	// chart does not render.
	AnnotationBundleExtra = "dev.berth.bundle.extra"
	// AnnotationBundleRole says why an image is in the bundle: RoleWorkload,
	// RoleTest or RoleExtra.
	AnnotationBundleRole = "dev.berth.bundle.role"
	KindChart            = "chart"
	KindImage            = "image"
)

// Image roles in a bundle.
const (
	RoleWorkload = "workload" // rendered by the release's manifests or non-test hooks
	RoleTest     = "test"     // used only by test hooks (`berth test`)
	RoleExtra    = "extra"    // added with --image
)

// BundleOptions change what BundleSave collects.
type BundleOptions struct {
	// Values are the user's values (-f/--set) for finding images.
	Values map[string]any
	// KubeVersion for the render; empty means DefaultCheckKubeVersion.
	KubeVersion string
	// Extra are more image references to include (--image).
	Extra []string
	// SkipTestImages leaves out images used only by test hooks.
	SkipTestImages bool
}

// BundleEntry is one item of a bundle.
type BundleEntry struct {
	Kind   string `json:"kind"`
	Ref    string `json:"ref"` // chart name:version, or the image reference
	Digest string `json:"digest"`
	Size   int64  `json:"size"` // all blobs, manifests included
	Extra  bool   `json:"extra,omitempty"`
	Role   string `json:"role,omitempty"` // images: RoleWorkload, RoleTest or RoleExtra
	// ArtifactType and Subject describe a referrer: what it is (an SBOM's
	// application/spdx+json, …) and the digest it refers to.
	ArtifactType string `json:"artifactType,omitempty"`
	Subject      string `json:"subject,omitempty"`
}

// BundleSave writes tgz (a chart archive) and every image it deploys —
// found by rendering it with opts.Values and collecting the images of pod
// templates, test hooks included unless opts.SkipTestImages, plus
// opts.Extra — as one OCI layout tar at out. Images are read from their
// registries and stored by digest.
func (c *Client) BundleSave(ctx context.Context, tgz []byte, out string, opts BundleOptions) ([]BundleEntry, error) {
	ch, err := chartfmt.LoadArchive(bytesReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	refs, tests, err := chartImageRoles(ctx, ch, opts.Values, opts.KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", ch.Name(), err)
	}
	if opts.SkipTestImages {
		tests = nil
	}
	roles := imageRoles(refs, tests, opts.Extra)
	iopts := c.ImageOptions()
	arts := map[string]image.Artifact{}
	for ref := range roles {
		if arts[ref] != nil {
			continue
		}
		a, err := image.Open(ctx, image.PrefixRegistry+ref, iopts)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %w", ch.Name(), err)
		}
		arts[ref] = a
	}
	art, err := chartArtifact(tgz, ch)
	if err != nil {
		return nil, err
	}
	sigs, err := c.bundleSignatures(ctx, arts) // they travel with the images
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", ch.Name(), err)
	}
	referrers, err := c.bundleReferrers(ctx, arts) // so do SBOMs and other referrers
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", ch.Name(), err)
	}
	var entries []BundleEntry
	// 0o600: the mode os.CreateTemp has always given the bundle.
	err = safefs.WriteAtomic(out, 0o600, func(w io.Writer) error {
		entries, err = writeBundle(w, art, ch, roles, arts, sigs, referrers)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bundle %s: write %s: %w", ch.Name(), out, err)
	}
	return entries, nil
}

// ChartImages renders ch and returns the images of its pod templates.
func ChartImages(ctx context.Context, ch *chartfmt.Chart, vals map[string]any, kubeVersion string) ([]string, error) {
	refs, _, err := chartImageRoles(ctx, ch, vals, kubeVersion)
	return refs, err
}

// chartImageRoles renders ch once and returns the images of its pod
// templates (manifests and non-test hooks), and those only test hooks use.
func chartImageRoles(ctx context.Context, ch *chartfmt.Chart, vals map[string]any, kubeVersion string) (workload, tests []string, err error) {
	if kubeVersion == "" {
		kubeVersion = DefaultCheckKubeVersion
	}
	r, err := chartfmt.Render(ctx, ch, vals, chartfmt.RenderOptions{ReleaseName: "release-name", Namespace: "default", KubeVersion: kubeVersion})
	if err != nil {
		return nil, nil, fmt.Errorf("render: %w", err)
	}
	workload = chartfmt.PodImages(r)
	var hooks []chartfmt.Manifest
	for _, h := range r.Hooks {
		if h.IsTest() {
			hooks = append(hooks, h.Manifest)
		}
	}
	for _, img := range chartfmt.PodImages(&chartfmt.Rendered{Manifests: hooks}) {
		if !slices.Contains(workload, img) {
			tests = append(tests, img)
		}
	}
	return workload, tests, nil
}

// imageRoles gives each image its role; a rendered role wins over extra.
func imageRoles(workload, tests, extra []string) map[string]string {
	roles := map[string]string{}
	for _, group := range []struct {
		role string
		refs []string
	}{{RoleExtra, extra}, {RoleTest, tests}, {RoleWorkload, workload}} {
		for _, r := range group.refs {
			roles[r] = group.role
		}
	}
	return roles
}

func chartArtifact(tgz []byte, ch *chartfmt.Chart) (*Artifact, error) {
	created, err := CreatedFromArchive(tgz)
	if err != nil {
		return nil, err
	}
	return BuildArtifact(tgz, ch.Metadata, nil, created)
}

func writeBundle(w io.Writer, art *Artifact, ch *chartfmt.Chart, roles map[string]string, arts map[string]image.Artifact, sigs []bundleSig, refs []bundleRefs) ([]BundleEntry, error) {
	bw := newBundleWriter(w)
	chartRef := ch.Name() + ":" + TagForVersion(ch.Metadata.Version)
	for _, b := range [][]byte{art.Config, art.Chart, art.Manifest} {
		if err := bw.blob(bytesBlob(b)); err != nil {
			return nil, err
		}
	}
	bw.index = append(bw.index, v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: v1.Hash{Algorithm: "sha256", Hex: art.ManifestDesc.Digest.Encoded()},
		Size: art.ManifestDesc.Size, Annotations: map[string]string{image.AnnotationRefName: chartRef, AnnotationBundleKind: KindChart}})
	entries := []BundleEntry{{Kind: KindChart, Ref: chartRef, Digest: art.ManifestDesc.Digest.String(), Size: int64(len(art.Config) + len(art.Chart) + len(art.Manifest))}}
	all := make([]string, 0, len(roles))
	for ref := range roles {
		all = append(all, ref)
	}
	sort.Strings(all)
	for _, ref := range all {
		role := roles[ref]
		ann := map[string]string{image.AnnotationRefName: ref, AnnotationBundleKind: KindImage, AnnotationBundleImage: ref, AnnotationBundleRole: role}
		if role == RoleExtra {
			ann[AnnotationBundleExtra] = "true"
		}
		d, err := bw.add(arts[ref], ann)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", ref, err)
		}
		size, err := image.TotalSize(arts[ref])
		if err != nil {
			return nil, err
		}
		entries = append(entries, BundleEntry{Kind: KindImage, Ref: ref, Digest: d.Digest.String(), Size: size, Extra: role == RoleExtra, Role: role})
	}
	sigEntries, err := writeSignatures(bw, sigs)
	if err != nil {
		return nil, err
	}
	refEntries, err := writeReferrers(bw, refs)
	if err != nil {
		return nil, err
	}
	entries = append(append(entries, sigEntries...), refEntries...)
	return entries, bw.close()
}
