package chartfmt

import (
	"net/mail"
	"net/url"
	"regexp"

	"github.com/Masterminds/semver/v3"
	yaml3 "go.yaml.in/yaml/v3"
)

// yamlField is a mapping's value with the line of its key, for messages.
type yamlField struct {
	line  int
	value *yaml3.Node
}

// mappingFields indexes a YAML mapping node by key.
func mappingFields(n *yaml3.Node) map[string]yamlField {
	out := map[string]yamlField{}
	if n == nil || n.Kind != yaml3.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = yamlField{line: n.Content[i].Line, value: n.Content[i+1]}
	}
	return out
}

// parseYAMLDoc parses the first document of data into a node tree; the
// error carries the line yaml reports.
func parseYAMLDoc(data []byte) (*yaml3.Node, error) {
	var doc yaml3.Node
	if err := yaml3.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == yaml3.DocumentNode && len(doc.Content) > 0 {
		return doc.Content[0], nil
	}
	return nil, nil
}

func (l *linter) chartFile(f *File) {
	if f == nil {
		l.add(LintError, ChartFileName, 1, "file does not exist")
		return
	}
	root, err := parseYAMLDoc(f.Data)
	if err != nil {
		_, line := errorLocation(err.Error(), "")
		l.add(LintError, ChartFileName, line, "invalid YAML: %v", err)
		return
	}
	if root == nil || root.Kind != yaml3.MappingNode {
		l.add(LintError, ChartFileName, 1, "must be a YAML mapping")
		return
	}
	fields := chartFields(mappingFields(root))
	l.identity(fields)
	l.recommendations(fields)
	l.maintainers(fields["maintainers"])
	l.dependencyEntries(fields["dependencies"])
}

// chartFields are Chart.yaml's top-level keys.
type chartFields map[string]yamlField

// str returns a key's scalar value and line (line 1 when the key is absent).
func (f chartFields) str(key string) (string, int, bool) {
	fl, ok := f[key]
	if !ok {
		return "", 1, false
	}
	return fl.value.Value, fl.line, true
}

// identity checks what Helm requires to load the chart at all.
func (l *linter) identity(fields chartFields) {
	l.apiVersionField(fields.str("apiVersion"))
	if name, line, ok := fields.str("name"); !ok || name == "" {
		l.add(LintError, ChartFileName, line, "name is required")
	} else if ValidateName(name) != nil {
		l.add(LintError, ChartFileName, line, "chart name %q is invalid: it must not be a path", name)
	}
	for _, key := range []string{"version", "appVersion"} {
		if fl, ok := fields[key]; ok && fl.value.Kind == yaml3.ScalarNode && fl.value.Tag != "!!str" {
			l.add(LintError, ChartFileName, fl.line, "%s should be of type string but it's of type %s", key, goTypeOfTag(fl.value.Tag))
		}
	}
	if v, line, ok := fields.str("version"); !ok || v == "" {
		l.add(LintError, ChartFileName, line, "version is required")
	} else if !isSemver(v) {
		l.add(LintError, ChartFileName, line, "version %q is not a valid SemVer", v)
	}
	l.typeField(fields.str("type"))
	if api, _, _ := fields.str("apiVersion"); api == APIVersionV1 {
		if t, line, ok := fields.str("type"); ok && t != "" {
			l.add(LintError, ChartFileName, line, "chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'")
		}
	}
	if kv, line, ok := fields.str("kubeVersion"); ok && kv != "" {
		if _, err := semver.NewConstraint(kv); err != nil {
			l.add(LintError, ChartFileName, line, "kubeVersion %q is not a valid version range: %v", kv, err)
		}
	}
}

// recommendations checks the descriptive fields: icon, sources, deprecation.
func (l *linter) recommendations(fields chartFields) {
	if icon, line, ok := fields.str("icon"); !ok || icon == "" {
		l.add(LintInfo, ChartFileName, 1, "icon is recommended")
	} else if !validURL(icon) {
		l.add(LintError, ChartFileName, line, "invalid icon URL '%s'", icon)
	}
	if fl, ok := fields["deprecated"]; ok && fl.value.Value == "true" {
		l.add(LintWarning, ChartFileName, fl.line, "chart is deprecated")
	}
	if fl, ok := fields["sources"]; ok {
		for _, s := range fl.value.Content {
			if !validURL(s.Value) {
				l.add(LintError, ChartFileName, s.Line, "invalid source URL '%s'", s.Value)
			}
		}
	}
}

func (l *linter) apiVersionField(v string, line int, ok bool) {
	switch {
	case !ok || v == "":
		l.add(LintError, ChartFileName, line, "apiVersion is required. The value must be either \"v1\" or \"v2\"")
	case v != APIVersionV1 && v != APIVersionV2:
		l.add(LintError, ChartFileName, line, "apiVersion '%s' is not valid. The value must be either \"v1\" or \"v2\"", v)
	}
}

func (l *linter) typeField(t string, line int, ok bool) {
	if ok && !validChartType(t) {
		l.add(LintError, ChartFileName, line, "chart type %q is invalid: it must be application or library", t)
	}
}

func (l *linter) maintainers(fl yamlField) {
	if fl.value == nil || len(fl.value.Content) == 0 {
		l.add(LintWarning, ChartFileName, max(fl.line, 1), "maintainers are recommended")
		return
	}
	for _, m := range fl.value.Content {
		if m.Kind != yaml3.MappingNode {
			l.add(LintError, ChartFileName, m.Line, "maintainers must not contain empty or null nodes")
			continue
		}
		f := mappingFields(m)
		name := f["name"].value
		if name == nil || name.Value == "" {
			l.add(LintError, ChartFileName, m.Line, "each maintainer requires a name")
			continue
		}
		if e := f["email"]; e.value != nil && e.value.Value != "" {
			if _, err := mail.ParseAddress(e.value.Value); err != nil {
				l.add(LintError, ChartFileName, e.line, "invalid email '%s' for maintainer '%s'", e.value.Value, name.Value)
			}
		}
		if u := f["url"]; u.value != nil && u.value.Value != "" && !validURL(u.value.Value) {
			l.add(LintError, ChartFileName, u.line, "invalid url '%s' for maintainer '%s'", u.value.Value, name.Value)
		}
	}
}

func (l *linter) dependencyEntries(fl yamlField) {
	if fl.value == nil {
		return
	}
	seen := map[string]bool{}
	for _, d := range fl.value.Content {
		f := mappingFields(d)
		name := ""
		if n := f["name"].value; n != nil {
			name = n.Value
		}
		if name == "" {
			l.add(LintError, ChartFileName, d.Line, "dependency requires a name")
			continue
		}
		if v := f["version"]; v.value != nil && v.value.Value != "" {
			if _, err := semver.NewConstraint(v.value.Value); err != nil {
				l.add(LintError, ChartFileName, v.line, "dependency %q has an invalid version range %q", name, v.value.Value)
			}
		}
		key := name
		if a := f["alias"]; a.value != nil && a.value.Value != "" {
			key = a.value.Value
			if !aliasFormat.MatchString(key) {
				l.add(LintError, ChartFileName, a.line, "dependency %q has disallowed characters in the alias", name)
			}
		}
		if l.depLines == nil {
			l.depLines = map[string]int{}
		}
		l.depLines[key] = d.Line
		if seen[key] {
			l.add(LintError, ChartFileName, d.Line, "more than one dependency with name or alias %q", key)
		}
		seen[key] = true
	}
}

var urlScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*$`)

// validURL accepts absolute URLs (what Helm's govalidator check accepts
// in practice for icons, sources and maintainer URLs).
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && urlScheme.MatchString(u.Scheme) && (u.Host != "" || u.Opaque != "")
}

// goTypeOfTag names a YAML scalar's type as Go's JSON decoding sees it, the
// way Helm words the message.
func goTypeOfTag(tag string) string {
	switch tag {
	case "!!int", "!!float":
		return "float64"
	case "!!bool":
		return "bool"
	case "!!null":
		return "<nil>"
	}
	return tag
}
