package chartfmt

import "time"

// Chart is a loaded chart: its metadata, default values, templates and other
// files, and its subcharts. It is data only; loading, rendering and packaging
// are functions over it.
type Chart struct {
	Metadata *Metadata
	// Lock is Chart.lock (apiVersion v2) or requirements.lock (v1), if present.
	Lock *Lock
	// Values are the parsed defaults from values.yaml (never nil once loaded).
	Values map[string]any
	// RawValues is values.yaml as it was read, kept so packaging is byte-exact.
	RawValues []byte
	// Schema is values.schema.json as it was read, or nil.
	Schema []byte
	// Templates are the files under templates/, sorted by name.
	Templates []*File
	// Files are every other file (README, crds/, files/, .helmignore …), sorted by name.
	Files []*File
	// Dependencies are the subcharts found under charts/, in a stable order.
	Dependencies []*Chart

	parent *Chart
}

// File is one file of a chart, named by its slash-separated path relative to
// the chart root.
type File struct {
	Name    string
	Data    []byte
	ModTime time.Time
}

// Metadata is Chart.yaml. Field order and JSON names follow Helm v3.22.0's
// chart.Metadata, because the OCI config blob is this struct marshalled to
// JSON and must match Helm's bytes.
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Maintainer is one entry of Chart.yaml's maintainers.
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Dependency is one entry of Chart.yaml's dependencies (or requirements.yaml).
// Field order and tags follow Helm's chart.Dependency.
type Dependency struct {
	Name         string   `json:"name"`
	Version      string   `json:"version,omitempty"`
	Repository   string   `json:"repository"`
	Condition    string   `json:"condition,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Enabled      bool     `json:"enabled,omitempty"`
	ImportValues []any    `json:"import-values,omitempty"`
	Alias        string   `json:"alias,omitempty"`
}

// Lock is Chart.lock. Digest is Helm's hash of the dependency metadata;
// berth additionally records each dependency's OCI manifest digest in
// LockedDependency.Digest, which Helm ignores when it reads the file.
type Lock struct {
	Generated    time.Time           `json:"generated"`
	Digest       string              `json:"digest"`
	Dependencies []*LockedDependency `json:"dependencies"`
}

// LockedDependency is a dependency as resolved into Chart.lock.
type LockedDependency struct {
	Name       string `json:"name"`
	Version    string `json:"version,omitempty"`
	Repository string `json:"repository"`
	// Digest is the OCI manifest digest the dependency was pulled at (berth only).
	Digest string `json:"digest,omitempty"`
}

// Name returns the chart's name from its metadata.
func (c *Chart) Name() string {
	if c == nil || c.Metadata == nil {
		return ""
	}
	return c.Metadata.Name
}

// Parent returns the chart that holds c under charts/, or nil for the root.
func (c *Chart) Parent() *Chart { return c.parent }

// IsRoot reports whether c is the top-level chart.
func (c *Chart) IsRoot() bool { return c.parent == nil }

// AddDependency attaches sub as a subchart of c.
func (c *Chart) AddDependency(sub *Chart) {
	sub.parent = c
	c.Dependencies = append(c.Dependencies, sub)
}

// FullPath is the chart's path from the root chart, as Helm names it in
// `# Source:` headers: "parent/charts/child".
func (c *Chart) FullPath() string {
	if c.parent == nil {
		return c.Name()
	}
	return c.parent.FullPath() + "/charts/" + c.Name()
}
