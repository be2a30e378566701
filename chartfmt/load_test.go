package chartfmt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestLoadHelmPackages: berth loads `helm package` output of every shared
// chart and finds the same chart as in the source directory.
func TestLoadHelmPackages(t *testing.T) {
	out := t.TempDir()
	for _, src := range testChartDirs(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			mustHelm(t, "package", src, "-d", out)
			fromDir, err := LoadDir(src)
			if err != nil {
				t.Fatal(err)
			}
			fromHelm, err := LoadArchiveFile(filepath.Join(out, PackageFileName(fromDir)))
			if err != nil {
				t.Fatal(err)
			}
			compareCharts(t, fromDir, fromHelm)
		})
	}
}

// compareCharts checks two loaded charts hold the same content.
func compareCharts(t *testing.T, want, got *Chart) {
	t.Helper()
	where := want.FullPath()
	if !reflect.DeepEqual(want.Metadata, got.Metadata) {
		t.Errorf("%s: metadata differs:\nwant %+v\ngot  %+v", where, *want.Metadata, *got.Metadata)
	}
	if !reflect.DeepEqual(want.Values, got.Values) || !bytes.Equal(want.RawValues, got.RawValues) {
		t.Errorf("%s: values differ", where)
	}
	if !bytes.Equal(want.Schema, got.Schema) {
		t.Errorf("%s: schema differs", where)
	}
	if (want.Lock == nil) != (got.Lock == nil) || (want.Lock != nil && !reflect.DeepEqual(want.Lock.Dependencies, got.Lock.Dependencies)) {
		t.Errorf("%s: lock differs", where)
	}
	compareFiles(t, where+" templates", want.Templates, got.Templates)
	compareFiles(t, where+" files", want.Files, got.Files)
	if len(want.Dependencies) != len(got.Dependencies) {
		t.Fatalf("%s: %d subcharts, want %d", where, len(got.Dependencies), len(want.Dependencies))
	}
	for i := range want.Dependencies {
		compareCharts(t, want.Dependencies[i], got.Dependencies[i])
	}
}

func compareFiles(t *testing.T, where string, want, got []*File) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%s: %d files, want %d: %v vs %v", where, len(got), len(want), fileNames(got), fileNames(want))
		return
	}
	for i := range want {
		if want[i].Name != got[i].Name || !bytes.Equal(want[i].Data, got[i].Data) {
			t.Errorf("%s: file %d is %s, want %s (or content differs)", where, i, got[i].Name, want[i].Name)
		}
	}
}

func fileNames(files []*File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Name
	}
	return out
}

// tgzEntries lists the entry names of a .tgz.
func tgzEntries(t testing.TB, data []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

const minimalChartYAML = "apiVersion: v2\nname: demo\nversion: 0.1.0\n"

func TestLoadClassifiesFiles(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Chart.yaml":                    minimalChartYAML + "description: \"a\\tb\\u0007c\"\n",
		"values.yaml":                   "\uFEFFa: 1\n---\nb: 2\n",
		"values.schema.json":            `{"type":"object"}`,
		"templates/cm.yaml":             "kind: ConfigMap\n",
		"templates/sub/x.txt":           "x",
		"templates/.hidden":             "never loaded",
		"crds/crd.yaml":                 "kind: CustomResourceDefinition\n",
		"files/a-b.txt":                 "ab",
		"files/a/b.txt":                 "a/b",
		"charts/sub/Chart.yaml":         "apiVersion: v2\nname: zeta\nversion: 1.0.0\n",
		"charts/alpha/Chart.yaml":       "apiVersion: v2\nname: alpha\nversion: 1.0.0\n",
		"charts/alpha/templates/a.yaml": "a: 1\n",
		"charts/_skipped/Chart.yaml":    "not: [valid",
		"charts/.hidden/Chart.yaml":     "not: [valid",
		"charts/x.prov":                 "signature",
	})
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Metadata.Description; got != "a bc" {
		t.Errorf("description not sanitized like Helm: %q", got)
	}
	if !reflect.DeepEqual(c.Values, map[string]any{"a": float64(1)}) {
		t.Errorf("values = %v, want only the first document with BOM stripped", c.Values)
	}
	if string(c.RawValues) != "a: 1\n---\nb: 2\n" {
		t.Errorf("raw values = %q", c.RawValues)
	}
	if string(c.Schema) != `{"type":"object"}` {
		t.Errorf("schema = %q", c.Schema)
	}
	if got := strings.Join(fileNames(c.Templates), ","); got != "templates/cm.yaml,templates/sub/x.txt" {
		t.Errorf("templates = %s", got)
	}
	if got := strings.Join(fileNames(c.Files), ","); got != "charts/x.prov,crds/crd.yaml,files/a/b.txt,files/a-b.txt" {
		t.Errorf("files = %s (want walk order)", got)
	}
	var subs []string
	for _, d := range c.Dependencies {
		subs = append(subs, d.FullPath())
		if d.Parent() != c {
			t.Errorf("%s: parent not set", d.Name())
		}
	}
	if got := strings.Join(subs, ","); got != "demo/charts/alpha,demo/charts/zeta" {
		t.Errorf("subcharts = %s (want names from Chart.yaml, sorted)", got)
	}
}

func TestLoadV1Requirements(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Chart.yaml":            "name: old\nversion: 1.0.0\n", // no apiVersion: v1
		"requirements.yaml":     "dependencies:\n- name: sub\n  version: ~1.0\n  repository: file://x\n",
		"requirements.lock":     "dependencies:\n- name: sub\n  version: 1.0.1\n  repository: file://x\ndigest: sha256:1\ngenerated: \"2020-01-01T00:00:00Z\"\n",
		"charts/sub/Chart.yaml": "apiVersion: v1\nname: sub\nversion: 1.0.1\n",
	})
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Metadata.APIVersion != APIVersionV1 || len(c.Metadata.Dependencies) != 1 || c.Metadata.Dependencies[0].Name != "sub" {
		t.Fatalf("metadata = %+v", c.Metadata)
	}
	if c.Lock == nil || len(c.Lock.Dependencies) != 1 {
		t.Fatalf("lock = %+v", c.Lock)
	}
	if got := strings.Join(fileNames(c.Files), ","); got != "requirements.lock,requirements.yaml" {
		t.Errorf("files = %s (v1 keeps requirements.* in Files)", got)
	}
	if err := CheckDependencies(c); err != nil {
		t.Error(err)
	}
	if p := DependencyProblems(c); len(p) != 0 {
		t.Errorf("problems = %v", p)
	}
}

func TestLoadLibraryChart(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Chart.yaml":             "apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n",
		"templates/_helpers.tpl": `{{- define "lib.name" -}}lib{{- end -}}`,
	})
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsLibrary() || len(c.Templates) != 1 {
		t.Errorf("library chart loaded as %+v", c.Metadata)
	}
}

// TestLoadBadCharts: each broken chart gives an error that names the problem
// and the file.
func TestLoadBadCharts(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"malformed Chart.yaml", map[string]string{"Chart.yaml": "name: [x\n"}, "cannot load Chart.yaml"},
		{"missing Chart.yaml", map[string]string{"values.yaml": "a: 1\n"}, "Chart.yaml file is missing"},
		{"no name", map[string]string{"Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n"}, "Chart.yaml: validation: chart.metadata.name is required"},
		{"path name", map[string]string{"Chart.yaml": "apiVersion: v2\nname: ../x\nversion: 1.0.0\n"}, `chart.metadata.name "../x" is invalid`},
		{"no version", map[string]string{"Chart.yaml": "apiVersion: v2\nname: x\n"}, "chart.metadata.version is required"},
		{"non-semver version", map[string]string{"Chart.yaml": "apiVersion: v2\nname: x\nversion: one.two\n"}, `Chart.yaml: validation: chart.metadata.version "one.two" is invalid`},
		{"bad type", map[string]string{"Chart.yaml": minimalChartYAML + "type: plugin\n"}, "chart.metadata.type must be application or library"},
		{"null maintainer", map[string]string{"Chart.yaml": minimalChartYAML + "maintainers:\n- null\n"}, "maintainers must not contain empty or null nodes"},
		{"bad alias", map[string]string{"Chart.yaml": minimalChartYAML + "dependencies:\n- name: a\n  alias: a.b\n  repository: ''\n"}, `dependency "a" has disallowed characters in the alias`},
		{"duplicate dependency", map[string]string{"Chart.yaml": minimalChartYAML + "dependencies:\n- name: a\n  repository: ''\n- name: b\n  alias: a\n  repository: ''\n"}, `more than one dependency with name or alias "a"`},
		{"malformed values", map[string]string{"Chart.yaml": minimalChartYAML, "values.yaml": "a: [1\n"}, "cannot load values.yaml"},
		{"values not a map", map[string]string{"Chart.yaml": minimalChartYAML, "values.yaml": "- 1\n"}, "cannot load values.yaml"},
		{"malformed lock", map[string]string{"Chart.yaml": minimalChartYAML, "Chart.lock": "generated: [\n"}, "cannot load Chart.lock"},
		{"file in charts/", map[string]string{"Chart.yaml": minimalChartYAML, "charts/README.md": "x"}, "subchart charts/README.md: Chart.yaml file is missing"},
		{"broken subchart", map[string]string{"Chart.yaml": minimalChartYAML, "charts/s/Chart.yaml": "apiVersion: v2\nname: s\nversion: x\n"}, `chart demo: subchart charts/s: Chart.yaml: validation: chart.metadata.version "x" is invalid`},
		{"corrupt subchart tgz", map[string]string{"Chart.yaml": minimalChartYAML, "charts/s-1.0.0.tgz": "not gzip"}, "subchart charts/s-1.0.0.tgz: chart archive is not gzip"},
		{"double star ignore", map[string]string{"Chart.yaml": minimalChartYAML, ".helmignore": "# c\n\n**/x\n"}, ".helmignore:3: double-star (**) syntax is not supported"},
		{"bad ignore pattern", map[string]string{"Chart.yaml": minimalChartYAML, ".helmignore": "[x\n"}, ".helmignore:1: bad pattern"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.files)
			_, err := LoadDir(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the chart directory", err)
			}
		})
	}
}

func TestLoadSymlinks(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret.txt": "s3cret"})
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Chart.yaml": minimalChartYAML, "files/real.txt": "real"})
	if err := os.Symlink("real.txt", filepath.Join(dir, "files", "inside.txt")); err != nil {
		t.Fatal(err)
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("symlink inside the chart: %v", err)
	}
	if got := NewFiles(c.Files).Get("files/inside.txt"); got != "real" {
		t.Errorf("inside link read %q", got)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "files", "leak.txt")); err != nil {
		t.Fatal(err)
	}
	_, err = LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "files/leak.txt: symbolic link points outside the chart") {
		t.Fatalf("file link outside: error = %v", err)
	}
	os.Remove(filepath.Join(dir, "files", "leak.txt"))
	if err := os.Symlink("../..", filepath.Join(dir, "files", "up")); err != nil {
		t.Fatal(err)
	}
	_, err = LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "files/up: symbolic link points outside the chart") {
		t.Fatalf("dir link outside: error = %v", err)
	}
	os.Remove(filepath.Join(dir, "files", "up"))
	if err := os.Symlink(".", filepath.Join(dir, "files", "loop")); err != nil {
		t.Fatal(err)
	}
	_, err = LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "symbolic link loop") {
		t.Fatalf("link loop: error = %v", err)
	}
}

func TestLoadDirLimits(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Chart.yaml": minimalChartYAML})
	big := bytes.Repeat([]byte("a"), MaxFileSize+1)
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), `chart file "big.bin" is larger than the maximum file size`) {
		t.Fatalf("error = %v", err)
	}
	// ...but a .helmignore'd big file is never read.
	writeTree(t, dir, map[string]string{".helmignore": "*.bin\n"})
	if _, err := LoadDir(dir); err != nil {
		t.Fatalf("ignored big file: %v", err)
	}
}

func TestLoadManyTinyFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"Chart.yaml": minimalChartYAML}
	for i := 0; i < 20000; i++ {
		files[fmt.Sprintf("files/d%d/f%d", i%7, i)] = "x"
	}
	writeTree(t, dir, files)
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files) != 20000 {
		t.Fatalf("%d files", len(c.Files))
	}
	data, err := Package(c, PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadArchive(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	compareFiles(t, "round trip", c.Files, back.Files)
}
