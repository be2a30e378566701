package deployer

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
)

// Manifest is one rendered, non-hook YAML document and the template it came
// from ("chart/templates/x.yaml").
type Manifest struct {
	Source  string
	Content string
}

// Rendered is what the deployer installs: documents in install order, hooks,
// notes and the chart's crds/ files. It is produced by rendering a chart
// (see render_adapter.go) or read back from a stored release.
type Rendered struct {
	Manifests []Manifest
	Hooks     []*Hook
	Notes     string
	CRDs      []Manifest
	// Chart is the chart as processed for these values (subcharts enabled
	// or not, values merged), stored in the release; nil: Source.Chart.
	Chart *Chart
}

// joinManifests writes documents the way Helm stores them in a release:
// "---\n# Source: <path>\n<doc>\n" each.
func joinManifests(ms []Manifest) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString("---\n# Source: ")
		b.WriteString(m.Source)
		b.WriteString("\n")
		b.WriteString(m.Content)
		b.WriteString("\n")
	}
	return b.String()
}

const sourcePrefix = "# Source: "

// splitManifests splits a stored release manifest (or a crds/ file) into
// documents with chartfmt.SplitManifests, Helm's splitter, recovering each
// one's "# Source:" path. Documents without an object (comment-only, such
// as the "# https://…" head of many CRD files) are kept: they belong to
// the release manifest Helm stores; Kube.Build skips them (hasObject).
func splitManifests(s string) []Manifest {
	var out []Manifest
	for _, doc := range chartfmt.SplitManifests(s) {
		m := Manifest{Content: doc}
		if rest, ok := strings.CutPrefix(doc, sourcePrefix); ok {
			src, content, _ := strings.Cut(rest, "\n")
			m.Source, m.Content = src, strings.TrimSpace(content)
		}
		if m.Content == "" {
			continue
		}
		out = append(out, m)
	}
	return out
}

// hasObject reports whether m holds a Kubernetes object. Helm's client
// skips documents that decode to null (blank, comment-only, "~") when it
// builds objects, while `helm template` prints them.
func hasObject(m Manifest) bool { return !chartfmt.IsEmptyDocument(m.Content) }

// HideSecrets replaces the body of every v1 Secret in a release manifest
// with Helm's "# HIDDEN" line (install/upgrade --dry-run --hide-secret),
// keeping each document's "# Source:" line; other documents are unchanged.
func HideSecrets(manifest string) string {
	var b strings.Builder
	for _, m := range splitManifests(manifest) {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if yaml.Unmarshal([]byte(m.Content), &head) == nil && head.Kind == "Secret" && head.APIVersion == "v1" {
			fmt.Fprintf(&b, "---\n# Source: %s\n# HIDDEN: The Secret output has been suppressed\n", m.Source)
			continue
		}
		b.WriteString(joinManifests([]Manifest{m}))
	}
	return b.String()
}
