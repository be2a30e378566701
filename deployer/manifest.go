package deployer

import (
	"regexp"
	"strings"
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

var (
	docSep     = regexp.MustCompile(`(?m)^---\s*$`)
	sourceLine = regexp.MustCompile(`(?m)^# Source: (.*)$`)
)

// splitManifests splits a stored release manifest back into documents,
// recovering each one's "# Source:" path.
func splitManifests(s string) []Manifest {
	var out []Manifest
	for _, doc := range docSep.Split(s, -1) {
		doc = strings.TrimSpace(doc)
		if doc == "" {
			continue
		}
		m := Manifest{Content: doc}
		if loc := sourceLine.FindStringSubmatchIndex(doc); loc != nil && loc[0] == 0 {
			m.Source = doc[loc[2]:loc[3]]
			m.Content = strings.TrimSpace(doc[loc[1]:])
		}
		if m.Content == "" {
			continue
		}
		out = append(out, m)
	}
	return out
}
