package oci

import (
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"
	"oras.land/oras-go/v2/registry"
)

// Scheme is the URL scheme of chart references, as in Helm.
const Scheme = "oci://"

// Reference is a parsed oci://host[:port]/ns/name[:tag][@sha256:…].
type Reference struct {
	Registry   string // host[:port]
	Repository string // ns/name
	Tag        string // OCI tag ("+" already mapped to "_"), may be empty
	Digest     string // "sha256:…", may be empty
}

// ParseReference parses an oci:// chart or repository reference. The tag is
// converted with TagForVersion, so "1.0.0+build" and "1.0.0_build" name the
// same tag.
func ParseReference(s string) (Reference, error) {
	rest, ok := strings.CutPrefix(s, Scheme)
	if !ok {
		return Reference{}, fmt.Errorf("reference %q: must start with %s", s, Scheme)
	}
	var ref Reference
	if i := strings.Index(rest, "@"); i >= 0 {
		ref.Digest = rest[i+1:]
		rest = rest[:i]
		if _, err := digest.Parse(ref.Digest); err != nil {
			return Reference{}, fmt.Errorf("reference %q: invalid digest %q: %w", s, ref.Digest, err)
		}
	}
	host, path, ok := strings.Cut(rest, "/")
	if !ok || host == "" || path == "" {
		return Reference{}, fmt.Errorf("reference %q: want oci://host[:port]/repository", s)
	}
	// A ':' after the last '/' starts the tag; a ':' in host is the port.
	if i := strings.LastIndex(path, ":"); i > strings.LastIndex(path, "/") {
		ref.Tag = TagForVersion(path[i+1:])
		path = path[:i]
	}
	ref.Registry, ref.Repository = host, strings.TrimSuffix(path, "/")
	if err := ref.validate(); err != nil {
		return Reference{}, fmt.Errorf("reference %q: %w", s, err)
	}
	return ref, nil
}

// validate checks the parts with the distribution grammar (oras's parser).
func (r Reference) validate() error {
	probe := registry.Reference{Registry: r.Registry, Repository: r.Repository, Reference: r.Tag}
	if r.Tag == "" {
		probe.Reference = ""
	}
	if err := probe.ValidateRegistry(); err != nil {
		return err
	}
	if err := probe.ValidateRepository(); err != nil {
		return err
	}
	if r.Tag != "" {
		return probe.ValidateReferenceAsTag()
	}
	return nil
}

// Name returns the repository's last path element (the chart name).
func (r Reference) Name() string {
	return r.Repository[strings.LastIndex(r.Repository, "/")+1:]
}

// WithTag returns r naming tag and no digest.
func (r Reference) WithTag(tag string) Reference {
	r.Tag, r.Digest = TagForVersion(tag), ""
	return r
}

// WithDigest returns r pinned to d (the tag is kept for display).
func (r Reference) WithDigest(d string) Reference {
	r.Digest = d
	return r
}

// Child returns the repository ref/name, the way `push oci://host/ns` names
// the chart's repository.
func (r Reference) Child(name string) Reference {
	return Reference{Registry: r.Registry, Repository: r.Repository + "/" + name}
}

// String formats r as oci://host/repo[:tag][@digest].
func (r Reference) String() string {
	s := Scheme + r.Registry + "/" + r.Repository
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Pinned returns oci://host/repo@digest (the tag dropped), the form that
// always names the same bytes.
func (r Reference) Pinned() string {
	return Scheme + r.Registry + "/" + r.Repository + "@" + r.Digest
}

// TagForVersion maps a chart version to an OCI tag: tags cannot hold '+', so
// Helm writes build metadata with '_' (helm/helm#10166).
func TagForVersion(v string) string { return strings.ReplaceAll(v, "+", "_") }

// VersionForTag reverses TagForVersion.
func VersionForTag(tag string) string { return strings.ReplaceAll(tag, "_", "+") }
