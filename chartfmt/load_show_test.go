package chartfmt

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestShowLikeHelm: Show prints what `helm show` prints, byte for byte, for
// every shared chart and a chart with CRDs in itself and a subchart.
func TestShowLikeHelm(t *testing.T) {
	crdChart := filepath.Join(t.TempDir(), "c")
	writeTree(t, crdChart, map[string]string{
		"Chart.yaml":              "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: s\n  version: 1.0.0\n  repository: \"\"\n",
		"values.yaml":             "a: 1\n",
		"ReadMe.MD":               "hello",
		"crds/a.yaml":             "kind: CustomResourceDefinition\nmetadata:\n  name: a\n",
		"crds/b.json":             "{}",
		"crds/notes.txt":          "not a CRD",
		"charts/s/Chart.yaml":     "apiVersion: v2\nname: s\nversion: 1.0.0\n",
		"charts/s/values.yaml":    "# only a comment\n",
		"charts/s/crds/x.yml":     "kind: SubCRD\n",
		"charts/s/crds/sub/y.yml": "kind: Deeper\n",
		"charts/e/Chart.yaml":     "apiVersion: v2\nname: e\nversion: 1.0.0\n",
		"charts/e/values.yaml":    "",
		"charts/n/Chart.yaml":     "apiVersion: v2\nname: n\nversion: 1.0.0\n",
	})
	dirs := []string{crdChart}
	for _, sub := range []string{"s", "e", "n"} {
		dirs = append(dirs, filepath.Join(crdChart, "charts", sub))
	}
	dirs = append(dirs, testChartDirs(t)...)
	for _, dir := range dirs {
		c, err := LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, what := range []string{ShowChart, ShowValues, ShowReadme, ShowCRDs, ShowAll} {
			want := mustHelm(t, "show", what, dir)
			got, err := Show(c, what)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte(want)) {
				t.Errorf("%s: show %s differs:\nhelm:\n%.800q\nberth:\n%.800q", dir, what, want, got)
			}
		}
	}
}
