package oci

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/image"
)

// ImageSpec is one image of a release: --image NAME=SOURCE.
type ImageSpec struct {
	Name   string
	Source string
}

// ParseImageSpec parses NAME=SOURCE.
func ParseImageSpec(s string) (ImageSpec, error) {
	n, src, ok := strings.Cut(s, "=")
	if !ok || n == "" || src == "" {
		return ImageSpec{}, fmt.Errorf("--image %q: want NAME=SOURCE", s)
	}
	return ImageSpec{Name: n, Source: src}, nil
}

// plannedImage is an image opened and matched to its value, not yet pushed.
type plannedImage struct {
	spec  ImageSpec
	value chartfmt.ImageValue
	art   image.Artifact
	repo  string // host/ns/name
	dig   string
}

// matchImages maps every image to a value of ch before anything is read or
// pushed: explicit paths (flags over berth.yaml), else the conventions.
func matchImages(ch *chartfmt.Chart, specs []ImageSpec, paths map[string]string) ([]chartfmt.ImageValue, error) {
	fromFile, err := chartfmt.ImageValuePaths(ch)
	if err != nil {
		return nil, err
	}
	found, err := chartfmt.FindChartImageValues(ch)
	if err != nil {
		return nil, err
	}
	out := make([]chartfmt.ImageValue, len(specs))
	seen := map[string]string{}
	for i, s := range specs {
		p := paths[s.Name]
		if p == "" {
			p = fromFile[s.Name]
		}
		v, err := chartfmt.MatchImageValue(found, s.Name, p, ch.Name())
		if err != nil {
			return nil, err
		}
		if other, dup := seen[v.Path]; dup {
			return nil, fmt.Errorf("images %s and %s both map to values path %s; map one with --image-value", other, s.Name, v.Path)
		}
		seen[v.Path] = s.Name
		out[i] = v
	}
	return out, nil
}

// openImages opens every source and reads its digest, so a bad archive or
// an unknown tag stops the release before the first upload.
func openImages(ctx context.Context, specs []ImageSpec, values []chartfmt.ImageValue, dest Reference, opts image.Options) ([]*plannedImage, error) {
	out := make([]*plannedImage, len(specs))
	// Sources are opened concurrently: opening an archive hashes it.
	g, gctx := errgroup.WithContext(ctx)
	for i, s := range specs {
		g.Go(func() error {
			art, err := image.Open(gctx, s.Source, opts)
			if err != nil {
				return fmt.Errorf("image %s: %w", s.Name, err)
			}
			d, err := image.Digest(art)
			if err != nil {
				return fmt.Errorf("image %s: %w", s.Name, err)
			}
			out[i] = &plannedImage{spec: s, value: values[i], art: art, dig: d,
				repo: dest.Registry + "/" + dest.Repository + "/" + s.Name}
			return nil
		})
	}
	return out, g.Wait()
}
