package chartfmt

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// RenderOptions are the release facts and cluster capabilities a render
// sees, as `helm template`/`helm install` set them.
type RenderOptions struct {
	ReleaseName string
	Namespace   string
	Revision    int  // 0 means 1
	IsUpgrade   bool // .Release.IsUpgrade (else IsInstall)
	// KubeVersion is --kube-version ("" = Helm v3.22.0's default, v1.37.0).
	KubeVersion string
	// APIVersions are added to the default API version set (--api-versions).
	APIVersions []string
	// SkipSchemaValidation skips values.schema.json checks.
	SkipSchemaValidation bool
	// SubchartNotes also keeps subcharts' NOTES.txt (--render-subchart-notes).
	SubchartNotes bool
	// Lookup answers `lookup`; nil gives empty maps as `helm template` does.
	Lookup Lookuper
	// LintMode makes required and fail report through Warn instead of
	// failing, as helm lint renders; Strict makes missing keys errors
	// (helm lint --strict).
	LintMode, Strict bool
	// Warn receives Helm's non-fatal warnings (may be nil).
	Warn func(format string, args ...any)
}

// Rendered is a rendered chart, data only.
type Rendered struct {
	// Manifests are the non-hook documents in install order.
	Manifests []Manifest
	// Hooks are the hook documents in kind order.
	Hooks []*Hook
	// Notes is the rendered NOTES.txt ("" if none).
	Notes string
	// CRDs are the crds/ files of the enabled charts, root first.
	CRDs []CRD
	// Values are the coalesced values the templates saw.
	Values Values
	// Chart is the chart after dependency processing, as Helm stores it in
	// a release: disabled subcharts dropped, the rest marked enabled, values
	// merged with the enabled subcharts' defaults.
	Chart *Chart
}

// Manifest is one rendered YAML document.
type Manifest struct {
	Source     string // template path: "chart/templates/x.yaml"
	APIVersion string
	Kind       string
	Name       string
	Content    string // the document, trimmed, without "---"
}

// CRD is a file from a chart's crds/ folder, never templated.
type CRD struct {
	Source  string // "chart/crds/x.yaml" (subcharts: "chart/charts/sub/crds/x.yaml")
	Content []byte
}

// RenderError is a failure while rendering templates or sorting their
// output (after values were accepted); Helm's CLI adds a hint to these.
type RenderError struct{ Err error }

func (e *RenderError) Error() string { return e.Err.Error() }
func (e *RenderError) Unwrap() error { return e.Err }

// Render renders ch with the user's values as `helm template` does:
// dependencies are processed on a copy of ch (ch is not modified), values
// coalesced and validated, templates executed, output split and sorted.
func Render(ctx context.Context, ch *Chart, userVals map[string]any, opts RenderOptions) (*Rendered, error) {
	if ch == nil || ch.Metadata == nil {
		return nil, fmt.Errorf("render: no chart")
	}
	if t := ch.Metadata.Type; t != "" && t != "application" {
		return nil, fmt.Errorf("%s charts are not installable", t)
	}
	if ch.Metadata.Dependencies != nil {
		if err := CheckDependencies(ch); err != nil {
			//lint:ignore ST1005 Helm's error text, which scripts match
			return nil, fmt.Errorf("An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: %w", err)
		}
	}
	if err := ValidateReleaseName(opts.ReleaseName); err != nil {
		return nil, err
	}
	var kube *KubeVersion
	if opts.KubeVersion != "" {
		kv, err := ParseKubeVersion(opts.KubeVersion)
		if err != nil {
			return nil, err
		}
		kube = kv
	}
	c := copyChartTree(ch, nil)
	if err := processDependencies(c, userVals, opts.Warn); err != nil {
		return nil, err
	}
	caps := newCapabilities(kube, opts.APIVersions)
	vals, err := coalescer{warn: opts.Warn}.values(c, userVals)
	if err != nil {
		return nil, err
	}
	tpls := map[string]renderable{}
	top := map[string]any{
		"Chart":        c.Metadata,
		"Capabilities": caps,
		"Release": map[string]any{
			"Name":      opts.ReleaseName,
			"Namespace": opts.Namespace,
			"IsUpgrade": opts.IsUpgrade,
			"IsInstall": !opts.IsUpgrade,
			"Revision":  max(opts.Revision, 1),
			"Service":   "Helm",
		},
		"Values": vals,
	}
	collectTemplates(c, tpls, top)
	// Schema validation, then parsing, one after the other: running them at
	// once saved wall time but not CPU, and raised peak memory (both sets
	// of garbage alive together). Errors keep Helm's precedence (schema,
	// kubeVersion, parse).
	if !opts.SkipSchemaValidation {
		if err := ValidateValues(c, vals, opts.Warn); err != nil {
			return nil, err
		}
	}
	e := newEngine(ctx, opts.Lookup)
	e.lint, e.strict, e.warn = opts.LintMode, opts.Strict, opts.Warn
	root, keys, parseErr := e.parse(tpls)
	if c.Metadata.KubeVersion != "" && !versionInRange(c.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, &RenderError{fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", c.Metadata.KubeVersion, caps.KubeVersion.String())}
	}
	if parseErr != nil {
		return nil, &RenderError{parseErr}
	}
	files, err := e.execute(root, keys, tpls)
	if err != nil {
		return nil, &RenderError{err}
	}
	out := &Rendered{Values: vals, CRDs: crdObjects(c), Chart: c}
	out.Notes = takeNotes(files, c.Name(), opts.SubchartNotes)
	out.Manifests, out.Hooks, err = sortRendered(files, opts.Warn)
	if err != nil {
		return nil, &RenderError{err}
	}
	return out, nil
}

// chartView is `.Chart`: the metadata's exported fields plus IsRoot, as
// Helm v3 exposes them (toYaml .Chart uses the JSON names).
type chartView struct {
	Metadata
	IsRoot bool
}

// collectTemplates builds each chart's shared context and registers its
// templates; it returns the chart's context for the parent's .Subcharts.
func collectTemplates(c *Chart, tpls map[string]renderable, parentVals map[string]any) map[string]any {
	subcharts := map[string]any{}
	next := map[string]any{
		"Chart":        chartView{*c.Metadata, c.IsRoot()},
		"Files":        NewFiles(c.Files),
		"Release":      parentVals["Release"],
		"Capabilities": parentVals["Capabilities"],
		"Values":       Values{},
		"Subcharts":    subcharts,
	}
	if c.IsRoot() {
		next["Values"] = parentVals["Values"]
	} else if vs, err := Values(parentVals).Table("Values." + c.Name()); err == nil {
		next["Values"] = vs
	}
	for _, sub := range c.Dependencies {
		subcharts[sub.Name()] = collectTemplates(sub, tpls, next)
	}
	full := c.FullPath()
	library := strings.EqualFold(c.Metadata.Type, "library")
	for _, t := range c.Templates {
		if t == nil || (library && !strings.HasPrefix(filepath.Base(t.Name), "_")) {
			continue
		}
		tpls[path.Join(full, t.Name)] = renderable{text: string(t.Data), vals: next, basePath: path.Join(full, "templates")}
	}
	return next
}

// takeNotes removes every NOTES.txt from files and returns the root's (or
// all of them, joined by newlines, with subchart notes).
func takeNotes(files map[string]string, root string, subNotes bool) string {
	var b strings.Builder
	rootNotes := path.Join(root, "templates", "NOTES.txt")
	for k, v := range files {
		if !strings.HasSuffix(k, "NOTES.txt") {
			continue
		}
		if subNotes || k == rootNotes {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(v)
		}
		delete(files, k)
	}
	return b.String()
}

// crdObjects lists crds/*.yaml|yml|json of c, then of its subcharts.
func crdObjects(c *Chart) []CRD {
	var out []CRD
	for _, f := range c.Files {
		ext := strings.ToLower(filepath.Ext(f.Name))
		if strings.HasPrefix(f.Name, "crds/") && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
			out = append(out, CRD{Source: path.Join(c.FullPath(), f.Name), Content: f.Data})
		}
	}
	for _, d := range c.Dependencies {
		out = append(out, crdObjects(d)...)
	}
	return out
}
