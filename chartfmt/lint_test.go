package chartfmt

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLintSharedChartsLikeHelm: every shared chart passes or fails berth's
// lint exactly as it does `helm lint`.
func TestLintSharedChartsLikeHelm(t *testing.T) {
	for _, name := range sharedChartNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(sharedChartsDir(t), name)
			_, helmErr := runHelm(t, "lint", dir)
			res, err := Lint(context.Background(), dir, LintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed(false) != (helmErr != nil) {
				t.Errorf("berth failed=%v, helm error=%v; berth said:\n%s", res.Failed(false), helmErr, lintText(res))
			}
			for _, m := range res.Messages {
				if m.Line < 1 || m.Path == "" {
					t.Errorf("message without file:line: %+v", m)
				}
			}
		})
	}
}

var (
	helmTemplateLoc = regexp.MustCompile(`\(lc/(templates/[^:)]+):(\d+)`)
	helmYAMLLoc     = regexp.MustCompile(`\] (templates/\S+): unable to parse YAML: .*?line (\d+)`)
)

// helmLintLocation extracts "templates/x.yaml:N" from helm lint's output.
func helmLintLocation(out string) string {
	for _, re := range []*regexp.Regexp{helmTemplateLoc, helmYAMLLoc} {
		if m := re.FindStringSubmatch(out); m != nil {
			return m[1] + ":" + m[2]
		}
	}
	return ""
}

func lintText(r *LintResult) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.String() + "\n")
	}
	return b.String()
}

const okTemplate = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: {{ .Values.a | quote }}\n"

// TestLintBrokenCharts: each broken chart fails both `helm lint` and berth's
// lint, and berth points at the right file and line.
func TestLintBrokenCharts(t *testing.T) {
	base := map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: lc\nversion: 1.0.0\nicon: https://example.com/i.png\nmaintainers:\n- name: me\n",
		"values.yaml":       "a: x\n",
		"templates/cm.yaml": okTemplate,
	}
	cases := []struct {
		name  string
		files map[string]string
		want  string // "path:line: text fragment"
		// helmPasses marks charts helm lint accepts: berth then reports a
		// warning (fatal with --strict) instead of an error. Helm's lint
		// turns a failed `required`/`fail` into an info log and never
		// renders ci/*.yaml (chart-testing does); v3.22.0 does not check
		// crds/. berth still names each problem with its file:line.
		helmPasses bool
	}{
		{"non-semver version", map[string]string{"Chart.yaml": "apiVersion: v2\nname: lc\nversion: one\n"}, `Chart.yaml:3: version "one" is not a valid SemVer`, false},
		{"number version", map[string]string{"Chart.yaml": "apiVersion: v2\nname: lc\nversion: 1.0\n"}, "Chart.yaml:3: version should be of type string but it's of type float64", false},
		{"bad apiVersion", map[string]string{"Chart.yaml": "apiVersion: v3\nname: lc\nversion: 1.0.0\n"}, "Chart.yaml:1: apiVersion 'v3' is not valid", false},
		{"malformed Chart.yaml", map[string]string{"Chart.yaml": "apiVersion: v2\nname: [lc\nversion: 1.0.0\n"}, "Chart.yaml:1: invalid YAML", false},
		{"bad email", map[string]string{"Chart.yaml": "apiVersion: v2\nname: lc\nversion: 1.0.0\nmaintainers:\n- name: a\n  email: bad\n"}, "Chart.yaml:6: invalid email 'bad'", false},
		{"template syntax error", map[string]string{"templates/bad.yaml": "a: 1\nb: {{ .Values.a \n"}, "templates/bad.yaml:3: parse error: unclosed action started at templates/bad.yaml:2", false},
		{"unknown function", map[string]string{"templates/bad.yaml": "a: 1\n\nb: {{ nosuch .Values.a }}\n"}, `templates/bad.yaml:3: parse error: function "nosuch" not defined`, false},
		{"missing required value", map[string]string{"templates/req.yaml": "a: 1\nb: {{ required \"b is required\" .Values.b }}\n"}, "templates/req.yaml:2: execution error at (lc/templates/req.yaml:2:6): b is required", true},
		{"invalid rendered YAML", map[string]string{"templates/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: {{ .Values.a }}\n"}, "templates/bad.yaml:4: YAML parse error", false},
		{"schema violation", map[string]string{"values.schema.json": `{"type":"object","properties":{"a":{"type":"integer"}}}`}, "values.yaml:1: values don't meet the specifications of the schema(s)", false},
		{"invalid schema JSON", map[string]string{"values.schema.json": "{\n  \"type\": \"object\",\n  oops\n}"}, "values.schema.json:3: invalid JSON", false},
		{"undeclared subchart", map[string]string{"charts/x/Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\n"}, `Chart.yaml:1: chart "x" is in charts/ but not declared in Chart.yaml dependencies`, false},
		{"invalid schema", map[string]string{"values.schema.json": `{"type": 5}`}, "values.schema.json:1: invalid schema", false},
		{"bad values.yaml", map[string]string{"values.yaml": "a: x\nb: [\n"}, "values.yaml:2: unable to parse YAML", false},
		{"ci values break", map[string]string{"ci/x-values.yaml": "a: {b: 1}\n", "templates/t.yaml": "{{ if kindIs \"map\" .Values.a }}{{ fail \"b set\" }}{{ end }}\n"}, "templates/t.yaml:1: execution error at (lc/templates/t.yaml:1:34): b set (with values ci/x-values.yaml)", true},
		{"crd of wrong kind", map[string]string{"crds/c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"}, "crds/c.yaml:1: apiVersion is not in 'apiextensions.k8s.io'", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "lc")
			files := map[string]string{}
			for k, v := range base {
				files[k] = v
			}
			for k, v := range tc.files {
				files[k] = v
			}
			writeTree(t, dir, files)
			helmOut, helmErr := runHelm(t, "lint", dir)
			if (helmErr == nil) != tc.helmPasses {
				t.Errorf("helm lint error = %v", helmErr)
			}
			res, err := Lint(context.Background(), dir, LintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			text := lintText(res)
			sev := "[ERROR] "
			if tc.helmPasses {
				sev = "[WARNING] "
			}
			if !strings.Contains(text, sev+tc.want) || res.Failed(false) != (sev == "[ERROR] ") {
				t.Errorf("berth lint:\n%s\nwant %s%s\nhelm: %v", text, sev, tc.want, helmErr)
			}
			// Where helm names a template line, berth names the same one.
			if loc := helmLintLocation(helmOut); loc != "" && !strings.Contains(text, "] "+loc+":") {
				t.Errorf("helm locates the problem at %s; berth said:\n%s", loc, text)
			}
		})
	}
}

// TestLintArchive: lint reads .tgz charts too (here helm's own package).
func TestLintArchive(t *testing.T) {
	out := t.TempDir()
	mustHelm(t, "package", filepath.Join(sharedChartsDir(t), "redis"), "-d", out)
	res, err := Lint(context.Background(), filepath.Join(out, "redis-23.1.1.tgz"), LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed(false) {
		t.Errorf("lint of helm's package:\n%s", lintText(res))
	}
	if _, err := Lint(context.Background(), filepath.Join(out, "missing.tgz"), LintOptions{}); err == nil {
		t.Error("lint of a missing path succeeded")
	}
}

// TestLintStrictLikeHelm: helm lint --strict fails on warnings only; it
// does not render with missingkey=error (v3.22.0 ignores strict for
// templates), so a missing key passes in both.
func TestLintStrictLikeHelm(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lc")
	writeTree(t, dir, map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: lc\nversion: 1.0.0\nicon: https://example.com/i.png\nmaintainers:\n- name: me\n",
		"values.yaml":       "a: x\n",
		"templates/cm.yaml": okTemplate + "  b: {{ .Values.nothere | quote }}\n",
	})
	if _, err := runHelm(t, "lint", "--strict", dir); err != nil {
		t.Fatalf("helm lint --strict: %v", err)
	}
	res, err := Lint(context.Background(), dir, LintOptions{})
	if err != nil || res.Failed(true) {
		t.Fatalf("berth lint --strict: %v\n%s", err, lintText(res))
	}
}

// TestLintEveryRequiredValue: each missing required value is reported, the
// first at its template line, and the chart passes like in helm lint.
func TestLintEveryRequiredValue(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lc")
	writeTree(t, dir, map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: lc\nversion: 1.0.0\nicon: https://example.com/i.png\nmaintainers:\n- name: me\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"first is required\" .Values.first | quote }}\n  b: {{ required \"second is required\" .Values.second | quote }}\n",
	})
	if _, err := runHelm(t, "lint", dir); err != nil {
		t.Fatalf("helm lint: %v", err)
	}
	res, err := Lint(context.Background(), dir, LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := lintText(res)
	if res.Failed(false) || !res.Failed(true) ||
		!strings.Contains(text, "[WARNING] templates/cm.yaml:6: execution error at (lc/templates/cm.yaml:6:8): first is required\n") ||
		!strings.Contains(text, "[WARNING] values.yaml:1: Missing required value: second is required\n") ||
		strings.Count(text, "first is required") != 1 {
		t.Errorf("berth lint:\n%s", text)
	}
}

func TestLintCleanChart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lc")
	writeTree(t, dir, map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: lc\nversion: 1.0.0\nicon: https://example.com/i.png\nmaintainers:\n- name: me\n  email: me@example.com\n",
		"values.yaml":       "a: x\n",
		"templates/cm.yaml": okTemplate,
	})
	res, err := Lint(context.Background(), dir, LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Messages) != 0 {
		t.Errorf("clean chart has findings:\n%s", lintText(res))
	}
}
