package chartfmt

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// ImageStyle is how a values entry spells an image.
type ImageStyle int

const (
	// StyleRepository is {repository, tag, digest?}: the common convention
	// (helm create's starter, podinfo, most charts).
	StyleRepository ImageStyle = iota
	// StyleRegistry is bitnami's {registry, repository, tag, digest}.
	StyleRegistry
	// StyleString is a single string such as image: nginx:1.25.
	StyleString
	// StyleImageKey is ingress-nginx's {registry?, image, tag, digest}, with
	// an optional full-reference repository override.
	StyleImageKey
)

// ImageValue is a place in a chart's values that names a container image.
type ImageValue struct {
	Path       string // dotted path: "image", "worker.image"
	Style      ImageStyle
	Registry   string
	Repository string
	Tag        string
	Digest     string
	HasDigest  bool // the map has a digest key (templates likely use it)
}

// Ref is the image reference the value spells, as its templates most likely
// render it.
func (v ImageValue) Ref() string {
	if v.Style == StyleString {
		return v.Repository
	}
	s := v.Repository
	if v.Registry != "" {
		s = v.Registry + "/" + s
	}
	if v.Tag != "" {
		s += ":" + v.Tag
	}
	if v.Digest != "" {
		s += "@" + v.Digest
	}
	return s
}

// FindChartImageValues is FindImageValues over ch's values with its
// subcharts' defaults coalesced in (under each subchart's key), so images
// of subcharts are found at paths the parent's values.yaml can set.
func FindChartImageValues(ch *Chart) ([]ImageValue, error) {
	vals, err := CoalesceValues(ch, map[string]any{})
	if err != nil {
		return nil, fmt.Errorf("values of %s: %w", ch.Name(), err)
	}
	return FindImageValues(vals), nil
}

// FindImageValues lists the image-like entries of vals (maps with a string
// repository, or string values under a key named image), sorted by path.
func FindImageValues(vals map[string]any) []ImageValue {
	var out []ImageValue
	walkImages(vals, "", &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func walkImages(m map[string]any, prefix string, out *[]ImageValue) {
	for k, v := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		switch t := v.(type) {
		case map[string]any:
			if iv, ok := imageMap(t, p); ok {
				*out = append(*out, iv)
				continue
			}
			walkImages(t, p, out)
		case string:
			if k == "image" && t != "" && !strings.ContainsAny(t, " {}") {
				*out = append(*out, ImageValue{Path: p, Style: StyleString, Repository: t})
			}
		}
	}
}

func imageMap(m map[string]any, p string) (ImageValue, bool) {
	iv := ImageValue{Path: p, Style: StyleRepository}
	repo, ok := m["repository"].(string)
	if img, isStr := m["image"].(string); !ok && isStr && hasAny(m, "tag", "digest", "registry") {
		repo, ok, iv.Style = img, true, StyleImageKey
	}
	if !ok {
		return ImageValue{}, false
	}
	iv.Repository = repo
	if reg, ok := m["registry"]; ok {
		iv.Registry = fmt.Sprint(nilEmpty(reg))
		if iv.Style == StyleRepository {
			iv.Style = StyleRegistry
		}
	}
	iv.Tag = fmt.Sprint(nilEmpty(m["tag"]))
	if d, ok := m["digest"]; ok {
		iv.HasDigest, iv.Digest = true, fmt.Sprint(nilEmpty(d))
	}
	return iv, true
}

func hasAny(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func nilEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// MatchImageValue finds the value that image name deploys. With valuePath
// (from --image-value or berth.yaml) it must be an image value; otherwise
// the default mapping tries, in order: a value at path name, name.image, an
// image whose repository's last element is name, and the top-level image
// when name is the chart's name.
func MatchImageValue(found []ImageValue, name, valuePath, chartName string) (ImageValue, error) {
	if valuePath != "" {
		for _, v := range found {
			if v.Path == valuePath {
				return v, nil
			}
		}
		return ImageValue{}, fmt.Errorf("image %s: values path %q is not an image value; image-like values in the chart: %s", name, valuePath, listImageValues(found))
	}
	for _, want := range []string{name, name + ".image"} {
		for _, v := range found {
			if v.Path == want {
				return v, nil
			}
		}
	}
	var byRepo []ImageValue
	for _, v := range found {
		if repoBase(v) == name {
			byRepo = append(byRepo, v)
		}
	}
	if len(byRepo) == 1 {
		return byRepo[0], nil
	}
	for _, v := range found {
		if v.Path == "image" && name == chartName && len(byRepo) == 0 {
			return v, nil
		}
	}
	return ImageValue{}, fmt.Errorf("image %s matches no value of the chart (map it with --image-value %s=PATH or berth.yaml); image-like values: %s", name, name, listImageValues(found))
}

func repoBase(v ImageValue) string {
	r := v.Repository
	if v.Style == StyleString {
		r, _, _ = strings.Cut(r, "@")
		if i := strings.LastIndex(r, ":"); i > strings.LastIndex(r, "/") {
			r = r[:i]
		}
	}
	return path.Base(r)
}

func listImageValues(found []ImageValue) string {
	if len(found) == 0 {
		return "(none)"
	}
	var s []string
	for _, v := range found {
		s = append(s, v.Path+" ("+v.Ref()+")")
	}
	return strings.Join(s, ", ")
}
