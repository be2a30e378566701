package chartrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/Masterminds/semver/v3"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci"
)

// MirrorOptions choose what Mirror copies and how.
type MirrorOptions struct {
	// To is the destination namespace, oci://host/ns; each chart lands in
	// ns/<chart name>:<version>.
	To string
	// Version limits the versions to a semver range; "" copies every version.
	Version string
	// Charts limits the copy to these chart names; empty copies every chart.
	Charts []string
	// Concurrency is how many versions are copied at once; 0 means 4.
	Concurrency int
	// Force moves a destination tag that names another digest.
	Force bool
	// Progress, if set, is called (from several goroutines) as each version
	// finishes.
	Progress func(MirrorItem)
	// Images, when set, also copies every image each version's default
	// render deploys into the same namespace, as copy --with-images places
	// them (the chart is still pushed unchanged).
	Images *oci.CopyOptions
}

// MirrorItem is the outcome of copying one chart version.
type MirrorItem struct {
	Name, Version string
	Ref           string              // oci://host/ns/name@sha256:… once pushed
	Digest        string              // manifest digest
	Uploaded      int                 // blobs uploaded; 0 when the registry had them all
	UploadedBytes int64               // archive bytes sent (0 when already present)
	Images        []oci.ReleasedImage // with MirrorOptions.Images: where its images landed
	Err           error
}

// MirrorResult lists every version tried, sorted by chart then newest
// version.
type MirrorResult struct {
	Items []MirrorItem
}

// Failed returns the items that did not land.
func (r *MirrorResult) Failed() []MirrorItem {
	var out []MirrorItem
	for _, it := range r.Items {
		if it.Err != nil {
			out = append(out, it)
		}
	}
	return out
}

// ErrMirrorIncomplete is wrapped by Mirror's error when some versions failed.
var ErrMirrorIncomplete = errors.New("some chart versions were not mirrored")

// Mirror copies chart versions of the repository e (its index read fresh)
// into the OCI namespace opts.To, pushing each original .tgz unchanged as
// `helm push` would, so the chart layer digest is the archive's. Versions
// already there with the same digest upload nothing. A version that fails
// (download, bad archive, registry refusal) is reported in its item and
// the others still land; the error then wraps ErrMirrorIncomplete.
func Mirror(ctx context.Context, e *Entry, dest *oci.Client, opts MirrorOptions, ropts Options) (*MirrorResult, error) {
	c, err := NewClient(e, ropts)
	if err != nil {
		return nil, err
	}
	_, idx, err := c.FetchIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the index of %s: %w", redact(e.URL), err)
	}
	todo, err := mirrorSelection(idx, opts)
	if err != nil {
		return nil, err
	}
	res := &MirrorResult{Items: make([]MirrorItem, len(todo))}
	forEach(len(todo), opts.Concurrency, func(i int) {
		cv := todo[i]
		if err := ctx.Err(); err != nil {
			res.Items[i] = MirrorItem{Name: cv.Name, Version: cv.Version, Err: err}
		} else {
			res.Items[i] = mirrorOne(ctx, c, dest, cv, opts)
		}
		if opts.Progress != nil {
			opts.Progress(res.Items[i])
		}
	})
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if f := res.Failed(); len(f) > 0 {
		return res, fmt.Errorf("%d of %d: %w", len(f), len(res.Items), ErrMirrorIncomplete)
	}
	return res, nil
}

// forEach calls fn(0..n-1) on at most workers goroutines (0 means 4).
func forEach(n, workers int, fn func(int)) {
	if workers <= 0 {
		workers = 4
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func mirrorOne(ctx context.Context, c *Client, dest *oci.Client, cv *ChartVersion, opts MirrorOptions) MirrorItem {
	it := MirrorItem{Name: cv.Name, Version: cv.Version}
	tgz, err := c.FetchChart(ctx, cv)
	if err != nil {
		it.Err = err
		return it
	}
	pushed, err := dest.Push(ctx, tgz, opts.To, oci.PushOptions{Force: opts.Force})
	if err != nil {
		it.Err = err
		return it
	}
	if pushed.Name != cv.Name || pushed.Version != cv.Version {
		it.Err = fmt.Errorf("the archive holds %s-%s, not what the index lists", pushed.Name, pushed.Version)
	}
	it.Ref, it.Digest, it.Uploaded = pushed.Pinned, pushed.Digest, pushed.Uploaded
	if pushed.Uploaded > 0 {
		it.UploadedBytes = int64(len(tgz))
	}
	if opts.Images != nil && it.Err == nil {
		ch, err := chartfmt.LoadArchive(bytes.NewReader(tgz))
		if err != nil {
			it.Err = err
			return it
		}
		if it.Images, err = dest.CopyImages(ctx, ch, opts.To, *opts.Images); err != nil {
			it.Err = fmt.Errorf("chart pushed as %s, but: %w", it.Ref, err)
		}
	}
	return it
}

// mirrorSelection lists the versions to copy, sorted by name then newest.
func mirrorSelection(idx *IndexFile, opts MirrorOptions) ([]*ChartVersion, error) {
	var rng *semver.Constraints
	if opts.Version != "" {
		var err error
		if rng, err = semver.NewConstraint(opts.Version); err != nil {
			return nil, fmt.Errorf("invalid version range %q: %w", opts.Version, err)
		}
	}
	names := opts.Charts
	if len(names) == 0 {
		for n := range idx.Entries {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []*ChartVersion
	for _, n := range names {
		cvs, ok := idx.Entries[n]
		if !ok {
			return nil, fmt.Errorf("chart %q is not in the repository's index", n)
		}
		for _, cv := range cvs {
			if rng != nil {
				v, err := semver.NewVersion(cv.Version)
				if err != nil || !rng.Check(v) {
					continue
				}
			}
			out = append(out, cv)
		}
	}
	return out, nil
}
