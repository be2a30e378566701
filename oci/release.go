package oci

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/image"
)

// Chart annotation and referrer artifact type that link a chart to the
// images it was released with.
const (
	AnnotationImages     = "dev.berth.images"
	ArtifactTypeChartRef = "application/vnd.berth.chart.reference.v1"
	AnnotationChart      = "dev.berth.chart"
)

// DefaultCheckKubeVersion is the Kubernetes version the pinned chart is
// rendered for when checking its images.
const DefaultCheckKubeVersion = "v1.37.0"

// ReleaseOptions describe one release: images, where to, how.
type ReleaseOptions struct {
	Images []ImageSpec
	// ValuePaths maps image names to values paths (--image-value); they win
	// over berth.yaml.
	ValuePaths map[string]string
	// Dest is oci://host/ns; images go to host/ns/NAME, the chart to
	// host/ns/<chart name>:<version>.
	Dest string
	// Version overrides Chart.yaml's version.
	Version string
	// Created is the archive time and created annotation (zero: defaults).
	Created time.Time
	// Values are the user's values for the check render (may be nil).
	Values map[string]any
	// KubeVersion is the cluster version of the check render; empty means
	// DefaultCheckKubeVersion (Helm's offline v1.20.0 is older than many
	// charts accept).
	KubeVersion string
	// Jobs bounds concurrent blob uploads; 0 means image.DefaultJobs.
	Jobs int
	// Progress receives blob events (called concurrently; may be nil).
	Progress func(image.Event)
	// Force moves the chart version tag when it names another digest;
	// without it the release fails before pushing anything.
	Force bool
	// Sign, when set, signs every pushed image once it is pushed and the
	// chart last (see Client.Sign).
	Sign *SignOptions
}

// ReleasedImage is one pushed image.
type ReleasedImage struct {
	Name      string `json:"name"`
	Source    string `json:"source"`
	ValuePath string `json:"valuePath"`
	Digest    string `json:"digest"`
	Ref       string `json:"ref"` // host/ns/name@sha256:…
}

// ReleaseResult is what a release pushed.
type ReleaseResult struct {
	Chart  *PushResult
	Images []ReleasedImage
	// Signatures are the signatures made (ReleaseOptions.Sign), chart last.
	Signatures []*SignResult
}

// Release pushes images and then the chart pinned to them. Everything that
// can fail without a registry — matching images to values, reading the
// sources, pinning, the check render, packaging — happens before the first
// upload; an image that fails to push stops the release before the chart.
func (c *Client) Release(ctx context.Context, ch *chartfmt.Chart, opts ReleaseOptions) (*ReleaseResult, error) {
	dest, err := namespaceRef(opts.Dest)
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	values, err := matchImages(ch, opts.Images, opts.ValuePaths)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", ch.Name(), err)
	}
	waitSigner := c.startSigner(opts.Sign) // while the images are read
	iopts := c.ImageOptions()
	iopts.Jobs, iopts.Progress = opts.Jobs, opts.Progress
	planned, err := openImages(ctx, opts.Images, values, dest, iopts)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", ch.Name(), err)
	}
	tgz, err := pinnedArchive(ctx, ch, planned, opts)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", ch.Name(), err)
	}
	prepared, err := c.prepareVersion(ctx, tgz, opts.Dest, opts.Created, opts.Force)
	if err != nil {
		return nil, fmt.Errorf("release %s: nothing pushed: %w", ch.Name(), err)
	}
	pusher, err := image.NewPusher(iopts)
	if err != nil {
		return nil, err
	}
	signer, err := waitSigner()
	if err != nil {
		return nil, fmt.Errorf("release %s: nothing pushed: %w", ch.Name(), err)
	}
	if err := pushImages(ctx, pusher, planned); err != nil {
		return nil, fmt.Errorf("release %s: chart not pushed: %w", ch.Name(), err)
	}
	out := &ReleaseResult{Images: released(planned)}
	if out.Signatures, err = signer.images(ctx, out.Images); err != nil {
		return nil, fmt.Errorf("release %s: chart not pushed: %w", ch.Name(), err)
	}
	if out.Chart, err = c.pushPrepared(ctx, prepared, opts.Force); err != nil {
		return nil, err
	}
	if err := linkImages(ctx, pusher, planned, out.Chart.Pinned); err != nil {
		return nil, fmt.Errorf("release %s: chart pushed as %s, but: %w", ch.Name(), out.Chart.Pinned, err)
	}
	if err := signer.chart(ctx, out); err != nil {
		return nil, fmt.Errorf("release %s: chart pushed as %s, but: %w", ch.Name(), out.Chart.Pinned, err)
	}
	return out, nil
}

func namespaceRef(dest string) (Reference, error) {
	ref, err := ParseReference(dest)
	if err != nil {
		return Reference{}, err
	}
	if ref.Tag != "" || ref.Digest != "" {
		return Reference{}, fmt.Errorf("%s: give the namespace only (oci://host/ns)", dest)
	}
	return ref, nil
}

// pinnedArchive pins the images into the chart's values, proves the pins
// by rendering, records the image list in Chart.yaml's annotations (copied
// into the OCI manifest) and packages the chart reproducibly.
func pinnedArchive(ctx context.Context, ch *chartfmt.Chart, planned []*plannedImage, opts ReleaseOptions) ([]byte, error) {
	pins := make([]chartfmt.ImagePin, len(planned))
	for i, p := range planned {
		pins[i] = chartfmt.ImagePin{Name: p.spec.Name, Value: p.value, Repository: p.repo, Digest: p.dig}
	}
	kv := opts.KubeVersion
	if kv == "" {
		kv = DefaultCheckKubeVersion
	}
	pinned, err := chartfmt.PinImages(ctx, ch, pins, opts.Values, chartfmt.RenderOptions{KubeVersion: kv})
	if err != nil {
		return nil, err
	}
	pinned = withImagesAnnotation(pinned, pins)
	return chartfmt.Package(pinned, chartfmt.PackageOptions{Version: opts.Version, ModTime: opts.Created})
}

// withImagesAnnotation returns ch with Chart.yaml annotation
// dev.berth.images = "name=host/ns/name@sha256:…,…" (sorted by name).
func withImagesAnnotation(ch *chartfmt.Chart, pins []chartfmt.ImagePin) *chartfmt.Chart {
	list := make([]string, len(pins))
	for i, p := range pins {
		list[i] = p.Name + "=" + p.Pinned()
	}
	sort.Strings(list)
	meta := *ch.Metadata
	meta.Annotations = maps.Clone(meta.Annotations)
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[AnnotationImages] = strings.Join(list, ",")
	out := *ch
	out.Metadata = &meta
	return &out
}

// pushImages pushes every image concurrently through one pusher (shared
// upload limit, mounts between repositories of the registry).
func pushImages(ctx context.Context, pusher *image.Pusher, planned []*plannedImage) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, p := range planned {
		g.Go(func() error {
			if _, err := pusher.Push(gctx, p.art, p.repo); err != nil {
				return fmt.Errorf("image %s: %w", p.spec.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// linkImages attaches a referrer naming the chart to every image, so the
// chart that deploys an image can be found from the image.
func linkImages(ctx context.Context, pusher *image.Pusher, planned []*plannedImage, chartRef string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, p := range planned {
		g.Go(func() error {
			desc, err := image.Descriptor(p.art)
			if err != nil {
				return err
			}
			ann := map[string]string{AnnotationChart: chartRef}
			if _, err := pusher.PushReferrer(gctx, p.repo+"@"+p.dig, desc, ArtifactTypeChartRef, ann); err != nil {
				return fmt.Errorf("image %s: %w", p.spec.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func released(planned []*plannedImage) []ReleasedImage {
	out := make([]ReleasedImage, len(planned))
	for i, p := range planned {
		out[i] = ReleasedImage{Name: p.spec.Name, Source: p.spec.Source, ValuePath: p.value.Path,
			Digest: p.dig, Ref: p.repo + "@" + p.dig}
	}
	return out
}
