package chartfmt

import (
	"context"
	"fmt"
	"strings"
)

// ImagePin moves the image that Value names to Repository@Digest
// (Repository is "host/ns/name", Digest "sha256:…").
type ImagePin struct {
	Name       string
	Value      ImageValue
	Repository string
	Digest     string
}

// Pinned is the reference a pod template should show.
func (p ImagePin) Pinned() string { return p.Repository + "@" + p.Digest }

// matches reports whether a rendered image is this pin: repo@digest, or
// repo:tag@digest for charts that only template repository and tag.
func (p ImagePin) matches(img string) bool {
	return img == p.Pinned() || strings.HasPrefix(img, p.Repository+":") && strings.HasSuffix(img, "@"+p.Digest)
}

// PinImages returns a copy of ch whose values.yaml points every pin at its
// new reference, and proves it by rendering ch with vals (the user's
// values): each pinned reference must appear in a pod template. Templates
// differ in how they use the values, so for each image the spellings its
// convention allows are tried in turn (a digest key, then tag@digest).
func PinImages(ctx context.Context, ch *Chart, pins []ImagePin, vals map[string]any, ro RenderOptions) (*Chart, error) {
	if ro.ReleaseName == "" {
		ro.ReleaseName, ro.Namespace = "release-name", "default"
	}
	choice := make([]int, len(pins))
	for {
		edits := acceptRelocatedImages(ch)
		for i, p := range pins {
			edits = append(edits, pinEdits(p, ch)[choice[i]]...)
		}
		out, err := withValuesEdited(ch, edits)
		if err != nil {
			return nil, err
		}
		r, err := Render(ctx, out, vals, ro)
		if err != nil {
			return nil, fmt.Errorf("render the pinned chart: %w", err)
		}
		images := PodImages(r)
		retry := false
		for i, p := range pins {
			if containsMatch(images, p) {
				continue
			}
			if choice[i]+1 < len(pinEdits(p, ch)) {
				choice[i]++
				retry = true
				continue
			}
			return nil, fmt.Errorf("image %s: after setting %s, no pod template uses %s; rendered images: %s",
				p.Name, p.Value.Path, p.Pinned(), strings.Join(images, ", "))
		}
		if !retry {
			return out, nil
		}
	}
}

func containsMatch(images []string, p ImagePin) bool {
	for _, img := range images {
		if p.matches(img) {
			return true
		}
	}
	return false
}

// pinEdits lists the ways to write p into its value, best first.
func pinEdits(p ImagePin, ch *Chart) [][]ValueEdit {
	v := p.Value
	at := func(k, val string) ValueEdit { return ValueEdit{Path: v.Path + "." + k, Value: val} }
	// A chart pinned before (relocated again) already holds tag@digest.
	tag, _, _ := strings.Cut(v.Tag, "@")
	if tag == "" {
		tag = ch.Metadata.AppVersion
	}
	if tag == "" {
		tag = "latest"
	}
	tagAtDigest := at("tag", tag+"@"+p.Digest)
	switch v.Style {
	case StyleString:
		return [][]ValueEdit{{{Path: v.Path, Value: p.Pinned()}}}
	case StyleRegistry:
		host, repo, _ := strings.Cut(p.Repository, "/")
		base := []ValueEdit{at("registry", host), at("repository", repo)}
		return [][]ValueEdit{
			append(base[:2:2], at("digest", p.Digest)),
			append(base[:2:2], tagAtDigest),
		}
	}
	repo := at("repository", p.Repository)
	withDigest := []ValueEdit{repo, at("digest", p.Digest)}
	if v.Style == StyleImageKey {
		host, path, _ := strings.Cut(p.Repository, "/")
		return [][]ValueEdit{
			{at("registry", host), at("image", path), at("digest", p.Digest)},
			withDigest,
			{repo, tagAtDigest, at("digest", "")},
		}
	}
	withTag := []ValueEdit{repo, tagAtDigest}
	if v.HasDigest {
		return [][]ValueEdit{withDigest, append(withTag, at("digest", ""))}
	}
	return [][]ValueEdit{withTag}
}

// acceptRelocatedImages turns off bitnami's check that images are the
// originals (global.security.allowInsecureImages), which fails the render
// of any relocated image; charts without the key are left alone.
func acceptRelocatedImages(ch *Chart) []ValueEdit {
	g, _ := ch.Values["global"].(map[string]any)
	sec, _ := g["security"].(map[string]any)
	if _, ok := sec["allowInsecureImages"]; ok {
		return []ValueEdit{{Path: "global.security.allowInsecureImages", Value: "true", Literal: true}}
	}
	return nil
}

// withValuesEdited returns a shallow copy of ch with edited values.yaml.
func withValuesEdited(ch *Chart, edits []ValueEdit) (*Chart, error) {
	raw, err := EditValuesYAML(ch.RawValues, edits)
	if err != nil {
		return nil, err
	}
	vals, err := ReadValues(raw)
	if err != nil {
		return nil, fmt.Errorf("edited values.yaml: %w", err)
	}
	out := *ch
	out.RawValues, out.Values = raw, vals
	return &out, nil
}
