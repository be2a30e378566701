package chartfmt

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"
	"text/template"

	"sigs.k8s.io/yaml"
)

var templateExtensions = map[string]bool{".yaml": true, ".yml": true, ".tpl": true, ".txt": true}

// lintFuncs are the template functions' names for a parse-only check;
// the engine binds the real include, tpl, required, fail and lookup.
func lintFuncs() template.FuncMap {
	f := baseFuncMap()
	for _, n := range []string{"include", "tpl", "required", "fail", "lookup"} {
		f[n] = func(...any) string { return "" }
	}
	return f
}

// templates checks extensions and that every template parses on its own.
func (l *linter) templates(c *Chart) {
	funcs := lintFuncs()
	for _, t := range c.Templates {
		if ext := path.Ext(t.Name); !templateExtensions[ext] {
			l.add(LintError, t.Name, 1, "file extension '%s' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt", ext)
		}
		if c.IsLibrary() && !strings.HasPrefix(path.Base(t.Name), "_") {
			continue // Helm does not load these from library charts
		}
		if _, err := template.New(t.Name).Funcs(funcs).Parse(string(t.Data)); err != nil {
			_, line := errorLocation(err.Error(), "")
			l.add(LintError, t.Name, line, "parse error: %s", trimTemplatePrefix(err.Error(), t.Name))
		}
	}
}

var templatePrefix = regexp.MustCompile(`^template: [^:]+:\d+(:\d+)?: `)

func trimTemplatePrefix(msg, _ string) string { return templatePrefix.ReplaceAllString(msg, "") }

// render renders the chart with its default values and with each
// ci/*.yaml values file, and checks every rendered document.
func (l *linter) render(ctx context.Context, c *Chart, opts LintOptions) {
	if c.IsLibrary() {
		return // library charts are not installable; their defines were parsed above
	}
	rc := *c
	md := *c.Metadata
	md.KubeVersion = "" // Helm's lint does not hold the chart to its kubeVersion range
	rc.Metadata = &md
	sets := []struct {
		label string
		vals  map[string]any
	}{{"", opts.Values}}
	for _, f := range c.Files {
		ext := path.Ext(f.Name)
		if !strings.HasPrefix(f.Name, "ci/") || strings.Contains(strings.TrimPrefix(f.Name, "ci/"), "/") || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		vals := map[string]any{}
		if err := yaml.Unmarshal(f.Data, &vals); err != nil {
			_, line := errorLocation(err.Error(), "")
			l.add(LintError, f.Name, line, "unable to parse YAML: %v", err)
			continue
		}
		if l.valueFiles != nil {
			l.valueFiles[f.Name] = f.Data
		}
		sets = append(sets, struct {
			label string
			vals  map[string]any
		}{f.Name, MergeValueMaps(vals, opts.Values)})
	}
	ns := opts.Namespace
	if ns == "" {
		ns = "default"
	}
	// No missingkey=error even for --strict: Helm v3.22.0's lint ignores
	// strict when rendering (it only makes warnings fatal).
	ro := RenderOptions{ReleaseName: lintReleaseName, Namespace: ns, KubeVersion: opts.KubeVersion}
	for _, set := range sets {
		if ctx.Err() != nil {
			return
		}
		label := set.label
		if label == "" {
			label = ValuesFileName
		}
		suffix := ""
		if set.label != "" {
			suffix = fmt.Sprintf(" (with values %s)", set.label)
		}
		if r := l.renderSet(ctx, &rc, set.vals, ro, label, suffix); r != nil {
			l.documents(c.Name(), r, suffix)
		}
	}
}

// renderSet renders with one set of values. A failure is rendered again in
// Helm's lint mode, where `required` and `fail` only log: if that succeeds,
// the failure is a warning (helm lint passes such charts; --strict fails
// them) located at the template line of the first failure, and the other
// required/fail messages follow, located at the values file.
func (l *linter) renderSet(ctx context.Context, c *Chart, vals map[string]any, ro RenderOptions, label, suffix string) *Rendered {
	r, err := Render(ctx, c, vals, ro)
	if err == nil {
		return r
	}
	file, line := errorLocation(err.Error(), c.Name())
	if file == "" {
		file = label
		if line == 0 {
			line = schemaErrorLine(l.valueFiles[label], err.Error(), c.Name())
		}
	}
	var (
		mu    sync.Mutex
		notes []string
	)
	ro.LintMode = true
	ro.Warn = func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if rest, ok := strings.CutPrefix(msg, "[INFO] "); ok && (strings.HasPrefix(rest, "Missing required value: ") || strings.HasPrefix(rest, "Fail: ")) {
			mu.Lock()
			notes = append(notes, rest)
			mu.Unlock()
		}
	}
	r, lintErr := Render(ctx, c, vals, ro)
	if lintErr != nil {
		l.add(LintError, file, line, "%v%s", err, suffix)
		return nil
	}
	l.add(LintWarning, file, line, "%v%s", err, suffix)
	for _, n := range notes[min(1, len(notes)):] {
		l.add(LintWarning, label, 1, "%s%s", n, suffix)
	}
	return r
}

// documents checks each rendered document's identity fields.
func (l *linter) documents(root string, r *Rendered, suffix string) {
	docs := append([]Manifest{}, r.Manifests...)
	for _, h := range r.Hooks {
		docs = append(docs, h.Manifest)
	}
	for _, m := range docs {
		file := strings.TrimPrefix(m.Source, root+"/")
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(m.Content), &obj); err != nil {
			_, line := errorLocation(err.Error(), "")
			l.add(LintError, file, line, "rendered YAML is invalid: %v%s", err, suffix)
			continue
		}
		if obj == nil {
			continue
		}
		if m.Kind == "" || m.APIVersion == "" {
			// Helm's lint lets this pass; the API server would refuse it.
			l.add(LintWarning, file, 1, "rendered document has no apiVersion or kind%s", suffix)
			continue
		}
		if msg := invalidObjectName(m.Kind, m.Name); msg != "" {
			l.add(LintWarning, file, 1, "object name does not conform to Kubernetes naming requirements: %q: %s%s", m.Name, msg, suffix)
		}
	}
}

var dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// invalidObjectName checks metadata.name as the API server would: RBAC
// objects accept any path segment, everything else an RFC 1123 subdomain.
func invalidObjectName(kind, name string) string {
	switch kind {
	case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding":
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/%") {
			return "must be a valid path segment name"
		}
		return ""
	}
	if len(name) > 253 || !dns1123Subdomain.MatchString(name) {
		return "must be a lowercase RFC 1123 subdomain"
	}
	return ""
}
