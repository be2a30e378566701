package oci

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/image"
)

// CopyOptions tune Copy.
type CopyOptions struct {
	RelocateOptions
	// WithImages also copies every image the chart deploys and rewrites
	// the chart to them; without it the chart is copied byte for byte.
	WithImages bool
	// From reads the source (its own TLS settings and credentials); nil
	// means the client Copy is called on, which always writes.
	From *Client
}

// Copy copies the chart at src (oci://host/ns/name[:tag][@digest]) to dest
// (oci://host/ns). Without images the manifest and blobs are copied as they
// are (same digest) and tagged with the chart version. With images, each
// image its pod templates use (rendered with opts.Values) is copied by
// digest to host/ns/<name>, and a chart rewritten to them is pushed.
func (c *Client) Copy(ctx context.Context, src, dest string, opts CopyOptions) (*ReleaseResult, error) {
	from := opts.From
	if from == nil {
		from = c
	}
	pulled, err := from.Pull(ctx, src, PullOptions{})
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	ch, err := chartfmt.LoadArchive(bytesReader(pulled.Chart))
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", src, err)
	}
	if !opts.WithImages {
		return c.copyChartAsIs(ctx, from, pulled, dest, opts.RelocateOptions)
	}
	moved, err := openChartImages(ctx, from, ch, opts.RelocateOptions)
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", src, err)
	}
	res, err := c.pushRelocated(ctx, ch, moved, dest, opts.RelocateOptions)
	if err != nil {
		return nil, err
	}
	// The images keep their digests, so their signatures still hold and
	// their referrers still refer to them; the chart was rewritten and has
	// neither.
	if err := c.copyMovedSignatures(ctx, from, moved, res.Images); err != nil {
		return nil, fmt.Errorf("copy %s: copied, but: %w", src, err)
	}
	return res, nil
}

// CopyImages copies every image ch deploys (its pod templates rendered
// with opts.Values) by digest, with its signatures, to dest (oci://host/ns)
// where Copy with images puts them (host/ns/<name>), read through
// opts.From (nil: c). The chart itself is left alone: this is for a chart
// pushed unchanged beside its images (repo mirror --with-images). The
// images are returned in the order the chart names them.
func (c *Client) CopyImages(ctx context.Context, ch *chartfmt.Chart, dest string, opts CopyOptions) ([]ReleasedImage, error) {
	from := opts.From
	if from == nil {
		from = c
	}
	destRef, err := namespaceRef(dest)
	if err != nil {
		return nil, err
	}
	moved, err := openChartImages(ctx, from, ch, opts.RelocateOptions)
	if err != nil {
		return nil, fmt.Errorf("images of %s: %w", ch.Name(), err)
	}
	planned := planMoved(destRef, moved)
	iopts := c.ImageOptions()
	iopts.Jobs, iopts.Progress = opts.Jobs, opts.Progress
	pusher, err := image.NewPusher(iopts)
	if err != nil {
		return nil, err
	}
	if err := pushImages(ctx, pusher, planned); err != nil {
		return nil, fmt.Errorf("images of %s: %w", ch.Name(), err)
	}
	out := released(planned)
	if err := c.copyMovedSignatures(ctx, from, moved, out); err != nil {
		return nil, fmt.Errorf("images of %s: copied, but: %w", ch.Name(), err)
	}
	return out, nil
}

// openChartImages opens, through from, every image ch deploys when
// rendered with opts.Values at opts.KubeVersion.
func openChartImages(ctx context.Context, from *Client, ch *chartfmt.Chart, opts RelocateOptions) ([]movedImage, error) {
	refs, err := ChartImages(ctx, ch, opts.Values, opts.KubeVersion)
	if err != nil {
		return nil, err
	}
	iopts := from.ImageOptions()
	moved := make([]movedImage, len(refs))
	for i, ref := range refs {
		a, err := image.Open(ctx, image.PrefixRegistry+ref, iopts)
		if err != nil {
			return nil, err
		}
		d, err := image.Digest(a)
		if err != nil {
			return nil, err
		}
		moved[i] = movedImage{orig: ref, art: a, dig: d}
	}
	return moved, nil
}

// copyMovedSignatures copies the signatures and referrers of each moved
// image to where it landed (landed[i] is moved[i]).
func (c *Client) copyMovedSignatures(ctx context.Context, from *Client, moved []movedImage, landed []ReleasedImage) error {
	for i, m := range moved {
		if err := c.copyImageSignatures(ctx, from, m.orig, landed[i].Ref, m.dig); err != nil {
			return err
		}
	}
	return nil
}

// copyImageSignatures copies the signatures and referrers of image dig
// from the repository of orig to that of dest (host/repo@digest).
func (c *Client) copyImageSignatures(ctx context.Context, from *Client, orig, dest, dig string) error {
	srcRepo, err := imageRepository(orig)
	if err != nil {
		return err
	}
	dstRepo, err := imageRepository(dest)
	if err != nil {
		return err
	}
	return c.copyAttachments(ctx, from, srcRepo, dstRepo, dig)
}

// copyChartAsIs copies the chart's manifest and blobs unchanged, read
// through from.
func (c *Client) copyChartAsIs(ctx context.Context, from *Client, pulled *PullResult, dest string, opts RelocateOptions) (*ReleaseResult, error) {
	destRef, err := namespaceRef(dest)
	if err != nil {
		return nil, err
	}
	to := destRef.Child(pulled.Metadata.Name)
	ref := to.WithTag(pulled.Metadata.Version).WithDigest(pulled.Digest)
	res := &ReleaseResult{Chart: &PushResult{Ref: ref, Name: pulled.Metadata.Name, Version: pulled.Metadata.Version,
		Digest: pulled.Digest, Pinned: ref.Pinned()}}
	same, err := c.checkTag(ctx, ref, pulled.Digest, opts.Force)
	if err != nil {
		return nil, explainRefusal(fmt.Errorf("copy %s: %w", pulled.Ref, err), to.Registry, "push")
	}
	signer, err := c.releaseSigner(opts.Sign)
	if err != nil {
		return nil, fmt.Errorf("copy %s: nothing copied: %w", pulled.Ref, err)
	}
	srcRepo := Reference{Registry: pulled.Ref.Registry, Repository: pulled.Ref.Repository}
	if same { // already there: only signatures and referrers made since may be new
		if err := c.copyAttachments(ctx, from, srcRepo, to, pulled.Digest); err != nil {
			return nil, fmt.Errorf("copy %s: %w", pulled.Ref, err)
		}
		return res, signer.chart(ctx, res)
	}
	iopts := c.ImageOptions()
	iopts.Jobs, iopts.Progress = opts.Jobs, opts.Progress
	srcRef := pulled.Ref.Registry + "/" + pulled.Ref.Repository
	art, err := image.Open(ctx, image.PrefixRegistry+srcRef+"@"+pulled.Digest, from.ImageOptions())
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", pulled.Ref, err)
	}
	pusher, err := image.NewPusher(iopts)
	if err != nil {
		return nil, err
	}
	if _, err := pusher.Tag(ctx, art, to.Registry+"/"+to.Repository, ref.Tag); err != nil {
		return nil, fmt.Errorf("copy %s: %w", pulled.Ref, err)
	}
	if err := c.copyAttachments(ctx, from, srcRepo, to, pulled.Digest); err != nil {
		return nil, fmt.Errorf("copy %s: chart copied, but: %w", pulled.Ref, err)
	}
	if err := signer.chart(ctx, res); err != nil {
		return nil, fmt.Errorf("copy %s: chart copied, but: %w", pulled.Ref, err)
	}
	return res, nil
}
