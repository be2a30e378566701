package chartfmt

import (
	"context"
	"fmt"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// LintSeverity ranks a lint finding.
type LintSeverity int

// Severities, as Helm names them.
const (
	LintInfo LintSeverity = iota
	LintWarning
	LintError
)

func (s LintSeverity) String() string {
	switch s {
	case LintInfo:
		return "INFO"
	case LintWarning:
		return "WARNING"
	default:
		return "ERROR"
	}
}

// LintMessage is one finding, located by a path relative to the chart root
// (subchart files as charts/<name>/…) and a 1-based line.
type LintMessage struct {
	Severity LintSeverity
	Path     string
	Line     int
	Text     string
}

func (m LintMessage) String() string {
	return fmt.Sprintf("[%s] %s:%d: %s", m.Severity, m.Path, max(m.Line, 1), m.Text)
}

// LintOptions are the values and release facts lint renders with.
type LintOptions struct {
	// Values are the user's values (-f/--set), applied over chart defaults
	// and over each ci/*.yaml file.
	Values map[string]any
	// Namespace is .Release.Namespace ("" means "default").
	Namespace string
	// KubeVersion is .Capabilities.KubeVersion ("" = the renderer's default).
	KubeVersion string
}

// LintResult is every finding for one chart, sorted by path and line.
type LintResult struct {
	Path     string
	Messages []LintMessage
}

// Failed reports whether any finding is an error (or, when strict, a warning).
func (r *LintResult) Failed(strict bool) bool {
	for _, m := range r.Messages {
		if m.Severity == LintError || (strict && m.Severity == LintWarning) {
			return true
		}
	}
	return false
}

// lintReleaseName is the release name Helm's lint renders with.
const lintReleaseName = "test-release"

// Lint checks the chart at chartPath (a directory or .tgz): Chart.yaml
// fields, values.yaml and values.schema.json, that every template parses,
// renders with the default values and with each ci/*.yaml, and yields valid
// YAML. It returns an error only when the chart cannot be read at all.
func Lint(ctx context.Context, chartPath string, opts LintOptions) (*LintResult, error) {
	files, err := readChartFiles(chartPath)
	if err != nil {
		return nil, err
	}
	l := &linter{}
	l.chartFile(fileData(files, ChartFileName))
	l.valuesFile(fileData(files, ValuesFileName))
	l.schemaFile(fileData(files, SchemaFileName))
	if c, err := LoadFiles(files); err != nil {
		l.loadError(err)
	} else {
		l.dependencies(c)
		l.templates(c)
		l.crds(c)
		if !l.failed() {
			l.render(ctx, c, opts)
		}
	}
	sort.SliceStable(l.msgs, func(i, j int) bool {
		a, b := l.msgs[i], l.msgs[j]
		if a.Path != b.Path {
			return walkLess(a.Path, b.Path)
		}
		return a.Line < b.Line
	})
	return &LintResult{Path: chartPath, Messages: l.msgs}, nil
}

// readChartFiles reads a directory (with .helmignore) or a .tgz.
func readChartFiles(chartPath string) ([]*File, error) {
	fi, err := os.Stat(chartPath)
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	if fi.IsDir() {
		return ReadDirFiles(chartPath)
	}
	f, err := os.Open(chartPath)
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	defer f.Close()
	files, err := ReadArchiveFiles(f)
	if err != nil {
		return nil, fmt.Errorf("lint %s: %w", chartPath, err)
	}
	return files, nil
}

func fileData(files []*File, name string) *File {
	for _, f := range files {
		if f.Name == name {
			return f
		}
	}
	return nil
}

type linter struct {
	msgs     []LintMessage
	depLines map[string]int // Chart.yaml line of each dependency, by name or alias
	// valueFiles are values.yaml and ci/*.yaml by name, to locate schema
	// violations (lint_schema_line.go).
	valueFiles map[string][]byte
}

func (l *linter) add(sev LintSeverity, file string, line int, format string, args ...any) {
	l.msgs = append(l.msgs, LintMessage{Severity: sev, Path: file, Line: line, Text: fmt.Sprintf(format, args...)})
}

func (l *linter) failed() bool {
	for _, m := range l.msgs {
		if m.Severity == LintError {
			return true
		}
	}
	return false
}

// loadError reports a loader failure once, unless a static check already
// explained it (the loader repeats Chart.yaml validation).
func (l *linter) loadError(err error) {
	if l.failed() {
		return
	}
	file, line := errorLocation(err.Error(), "")
	if file == "" {
		file = ChartFileName
	}
	l.add(LintError, file, line, "%v", err)
}

var (
	// "chart/templates/x.yaml:12:3" and "(chart/templates/x.yaml:12)" in template errors.
	templateLoc = regexp.MustCompile(`([^\s():]+):(\d+)(?::\d+)?`)
	// "YAML parse error on chart/templates/x.yaml: … line 5: …"
	yamlOnLoc = regexp.MustCompile(`on ([^\s:]+): .*?line (\d+)`)
	yamlLine  = regexp.MustCompile(`line (\d+)`)
)

// errorLocation extracts "file:line" from a render or parse error and makes
// the path relative to the root chart (whose name is root).
func errorLocation(msg, root string) (string, int) {
	rel := func(p string) string {
		if root != "" {
			p = strings.TrimPrefix(p, root+"/")
		}
		return path.Clean(p)
	}
	if m := yamlOnLoc.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[2])
		return rel(m[1]), n
	}
	for _, m := range templateLoc.FindAllStringSubmatch(msg, -1) {
		if strings.Contains(m[1], "/") || strings.HasSuffix(m[1], ".yaml") {
			n, _ := strconv.Atoi(m[2])
			return rel(m[1]), n
		}
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return "", n
	}
	return "", 0
}

// LintSubchartPaths lists the subcharts under dir/charts for `lint
// --with-subcharts`: directories holding a Chart.yaml (and, recursively,
// their own charts/) and .tgz files, in walk order. Entries starting with
// "_" or "." are skipped as the loader skips them.
func LintSubchartPaths(dir string) ([]string, error) {
	entries, err := os.ReadDir(path.Join(dir, "charts"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("lint: %w", err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		p := path.Join(dir, "charts", name)
		switch {
		case strings.IndexAny(name, "_.") == 0:
		case !e.IsDir() && strings.HasSuffix(name, ".tgz"):
			out = append(out, p)
		case e.IsDir():
			if _, err := os.Stat(path.Join(p, ChartFileName)); err != nil {
				continue
			}
			out = append(out, p)
			nested, err := LintSubchartPaths(p)
			if err != nil {
				return nil, err
			}
			out = append(out, nested...)
		}
	}
	return out, nil
}
