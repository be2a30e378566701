package oci

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/image"
)

// movedImage is an image that now lives at repo (host/ns/name) by digest;
// orig is the reference the chart renders for it today.
type movedImage struct {
	orig  string
	art   image.Artifact
	repo  string
	dig   string
	extra bool // not rendered by the chart: pushed, nothing to rewrite
}

// relocationRepos names each image's new repository dest/<last path
// element>, or dest/<full path> when two images share a last element.
func relocationRepos(dest Reference, origs []string) map[string]string {
	byBase := map[string]map[string]bool{}
	for _, o := range origs {
		r := repoOf(o)
		if byBase[path.Base(r)] == nil {
			byBase[path.Base(r)] = map[string]bool{}
		}
		byBase[path.Base(r)][r] = true
	}
	out := map[string]string{}
	for _, o := range origs {
		r := repoOf(o)
		n := path.Base(r)
		if len(byBase[n]) > 1 {
			n = r
		}
		out[o] = dest.Registry + "/" + dest.Repository + "/" + n
	}
	return out
}

// repoOf returns the repository path of an image reference, without
// registry, tag or digest ("docker.io/bitnami/redis:7" → "bitnami/redis").
func repoOf(ref string) string {
	if r, err := name.ParseReference(ref); err == nil {
		return r.Context().RepositoryStr()
	}
	base, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(base, ":"); i > strings.LastIndex(base, "/") {
		base = base[:i]
	}
	return base
}

// relocateChart points the values that render each moved image at its new
// repository and digest, proven by rendering.
func relocateChart(ctx context.Context, ch *chartfmt.Chart, moved []movedImage, vals map[string]any, kubeVersion string) (*chartfmt.Chart, error) {
	found, err := chartfmt.FindChartImageValues(ch)
	if err != nil {
		return nil, err
	}
	var pins []chartfmt.ImagePin
	used := map[string]string{}
	for _, m := range moved {
		if m.extra {
			continue
		}
		v, err := valueRendering(found, m.orig)
		if err != nil {
			return nil, err
		}
		if other, dup := used[v.Path]; dup && other != m.orig {
			return nil, fmt.Errorf("images %s and %s both come from values path %s", other, m.orig, v.Path)
		}
		used[v.Path] = m.orig
		pins = append(pins, chartfmt.ImagePin{Name: m.orig, Value: v, Repository: m.repo, Digest: m.dig})
	}
	if kubeVersion == "" {
		kubeVersion = DefaultCheckKubeVersion
	}
	return chartfmt.PinImages(ctx, ch, pins, vals, chartfmt.RenderOptions{KubeVersion: kubeVersion})
}

// valueRendering finds the image value whose repository is ref's,
// preferring one whose tag matches too.
func valueRendering(found []chartfmt.ImageValue, ref string) (chartfmt.ImageValue, error) {
	want := canonicalRepo(ref)
	var cands []chartfmt.ImageValue
	for _, v := range found {
		if canonicalRepo(valueRepo(v)) == want {
			cands = append(cands, v)
		}
	}
	for _, v := range cands {
		if v.Tag != "" && strings.Contains(ref, ":"+v.Tag) {
			return v, nil
		}
	}
	if len(cands) > 0 {
		return cands[0], nil
	}
	// Images chosen by user values at save time (--set image.repository=…)
	// are found by their last path element.
	var byBase []chartfmt.ImageValue
	for _, v := range found {
		if path.Base(repoOf(valueRepo(v))) == path.Base(repoOf(ref)) {
			byBase = append(byBase, v)
		}
	}
	if len(byBase) == 1 {
		return byBase[0], nil
	}
	var list []string
	for _, v := range found {
		list = append(list, v.Path+" ("+v.Ref()+")")
	}
	return chartfmt.ImageValue{}, fmt.Errorf("image %s: no values entry renders it, so its reference cannot be rewritten (image-like values: %s)", ref, strings.Join(list, ", "))
}

func valueRepo(v chartfmt.ImageValue) string {
	if v.Style == chartfmt.StyleString {
		return v.Repository
	}
	if v.Registry != "" {
		return v.Registry + "/" + v.Repository
	}
	return v.Repository
}

// canonicalRepo is registry/repository with Docker Hub's defaults filled
// in, tag and digest dropped.
func canonicalRepo(ref string) string {
	base, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(base, ":"); i > strings.LastIndex(base, "/") {
		base = base[:i]
	}
	if r, err := name.NewRepository(base); err == nil {
		return r.Name()
	}
	return base
}
