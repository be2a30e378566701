package chartfmt

import (
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// sharedChartsDir is where the real test charts live (tools.ChartsDir).
func sharedChartsDir(t testing.TB) string {
	t.Helper()
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// sharedChartNames lists the real charts in /work/shared/charts.
func sharedChartNames(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(sharedChartsDir(t))
	if err != nil {
		t.Fatalf("shared charts: %v", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("no shared charts")
	}
	return names
}

// runHelm runs the Helm oracle with a private home and returns its stdout;
// stderr is in the error.
func runHelm(t testing.TB, args ...string) (string, error) {
	t.Helper()
	return tools.NewHelm(t).Run(nil, args...)
}

// mustHelm is runHelm that fails the test on error.
func mustHelm(t testing.TB, args ...string) string {
	t.Helper()
	out, err := runHelm(t, args...)
	if err != nil {
		t.Fatalf("helm %v: %v", args, err)
	}
	return out
}

// copyTree copies a directory (regular files and directories only).
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// writeTree creates files (slash paths to contents) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// edgeCharts builds charts that exercise the loader's and packager's rules
// beyond the shared charts: apiVersion v1 with requirements.yaml/lock and an
// alias, .tgz subcharts (made by `helm package`) nested in directory
// subcharts, a library chart, CRDs in a subchart, a BOM, .helmignore, long
// (PAX) and unusual file names, empty files. It returns their directories.
func edgeCharts(t testing.TB) []string {
	t.Helper()
	root := t.TempDir()
	lib := filepath.Join(root, "src", "common")
	writeTree(t, lib, map[string]string{
		"Chart.yaml":             "apiVersion: v2\nname: common\nversion: 1.2.3\ntype: library\n",
		"templates/_names.tpl":   `{{- define "common.name" -}}{{ .Chart.Name }}-common{{- end -}}`,
		"templates/ignored.yaml": "never rendered in a library\n",
	})
	inner := filepath.Join(root, "src", "inner")
	writeTree(t, inner, map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: inner\nversion: 0.3.0\n",
		"values.yaml":       "msg: from inner\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-inner\ndata:\n  msg: {{ .Values.msg | quote }}\n",
		"crds/thing.yaml":   "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n",
	})
	pkgs := filepath.Join(root, "pkgs")
	mustHelm(t, "package", lib, "-d", pkgs)
	mustHelm(t, "package", inner, "-d", pkgs)
	readPkg := func(name string) string {
		data, err := os.ReadFile(filepath.Join(pkgs, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	long := "files/" + strings.Repeat("long-directory-name/", 6) + "a file with spaces and ünïcode.txt"
	v2 := filepath.Join(root, "edge-v2")
	writeTree(t, v2, map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: edge-v2\nversion: 1.0.0-rc.1+build.5\nappVersion: \"2\"\n" +
			"description: \"tabs\\tand\\u0007bells\"\ndependencies:\n" +
			"- name: common\n  version: 1.x\n  repository: file://../common\n" +
			"- name: app\n  version: '>=0.1.0'\n  repository: file://../app\n  alias: first\n" +
			"- name: app\n  version: '>=0.1.0'\n  repository: file://../app\n  alias: second\n  condition: second.enabled\n",
		"Chart.lock":         "dependencies:\n- name: common\n  repository: file://../common\n  version: 1.2.3\n- name: app\n  repository: file://../app\n  version: 0.1.0\ndigest: sha256:0000\ngenerated: \"2024-05-06T07:08:09.123456789Z\"\n",
		"values.yaml":        "\uFEFF# defaults\nfirst:\n  greeting: hi\nsecond:\n  enabled: false\n---\nignored: second document\n",
		"values.schema.json": `{"type":"object","properties":{"first":{"type":"object"}}}`,
		".helmignore":        "*.orig\nscratch/\n/TODO\n",
		"TODO":               "ignored",
		"notes.orig":         "ignored",
		"scratch/x.yaml":     "ignored",
		"files/empty":        "",
		long:                 "long",
		"templates/main.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"common.name\" . }}\ndata:\n" +
			"  desc: {{ .Chart.Description | quote }}\n  long: {{ .Files.Get " + `"` + long + `"` + " | quote }}\n" +
			"  subcharts: {{ keys .Subcharts | sortAlpha | join \",\" | quote }}\n",
		"templates/NOTES.txt":               "notes for {{ .Release.Name }}",
		"charts/common-1.2.3.tgz":           readPkg("common-1.2.3.tgz"),
		"charts/app/Chart.yaml":             "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: inner\n  version: 0.3.0\n  repository: file://../inner\n",
		"charts/app/values.yaml":            "greeting: hello\n",
		"charts/app/templates/app.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
		"charts/app/charts/inner-0.3.0.tgz": readPkg("inner-0.3.0.tgz"),
		"charts/_ignored/Chart.yaml":        "not: [a chart",
	})
	v1 := filepath.Join(root, "edge-v1")
	writeTree(t, v1, map[string]string{
		"Chart.yaml":                  "apiVersion: v1\nname: edge-v1\nversion: 0.9.0\n",
		"requirements.yaml":           "dependencies:\n- name: sub\n  version: ~1.0.0\n  repository: file://sub\n  alias: renamed\n  import-values:\n  - child: exported\n    parent: imported\n",
		"requirements.lock":           "dependencies:\n- name: sub\n  repository: file://sub\n  version: 1.0.1\ndigest: sha256:1111\ngenerated: \"2023-01-02T03:04:05Z\"\n",
		"values.yaml":                 "renamed:\n  replicas: 2\n",
		"templates/cm.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v1\ndata:\n  imported: {{ .Values.imported | toJson | quote }}\n  req: {{ .Files.Get \"requirements.yaml\" | sha256sum }}\n",
		"charts/sub/Chart.yaml":       "apiVersion: v1\nname: sub\nversion: 1.0.1\n",
		"charts/sub/values.yaml":      "replicas: 1\nexported:\n  x: 1\n",
		"charts/sub/templates/d.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n",
	})
	return []string{v1, v2}
}

// testChartDirs is every shared chart and every edge-case chart.
func testChartDirs(t testing.TB) []string {
	t.Helper()
	var dirs []string
	for _, name := range sharedChartNames(t) {
		dirs = append(dirs, filepath.Join(sharedChartsDir(t), name))
	}
	return append(dirs, edgeCharts(t)...)
}
