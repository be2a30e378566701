package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// dependency list prints what helm prints, on every shared chart and on a
// chart whose charts/ holds each state helm reports.
func TestDependencyListMatchesHelm(t *testing.T) {
	helm := tools.NewHelm(t)
	dir := t.TempDir()
	sub := func(name, version string) string {
		d := filepath.Join(t.TempDir(), name)
		writeFiles(t, d, map[string]string{"Chart.yaml": "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n"})
		return d
	}
	parent := filepath.Join(dir, "parent")
	writeFiles(t, parent, map[string]string{"Chart.yaml": `apiVersion: v2
name: parent
version: 1.0.0
dependencies:
  - {name: archived, version: "~1.2.0", repository: "oci://registry.example.com/charts"}
  - {name: unpacked, version: 2.0.0, repository: "https://charts.example.com"}
  - {name: old, version: ">=3.0.0", repository: "@stable"}
  - {name: absent, version: 1.0.0, repository: "file://../absent"}
  - {name: renamed, version: 1.0.0, repository: "https://charts.example.com/a/very/long/path/that/is/wider/than/the/column/limit/of/the/table/for/sure"}
  - {name: badrange, version: "not a range"}
`})
	charts := filepath.Join(parent, "charts")
	for _, step := range [][]string{
		{"package", sub("archived", "1.2.3"), "-d", charts},
		{"package", sub("old", "2.9.0"), "-d", charts},
		{"package", sub("other", "1.0.0"), "-d", charts},
		{"package", sub("badrange", "1.0.0"), "-d", charts},
	} {
		helm.MustRun(t, step...)
	}
	if err := os.Rename(filepath.Join(charts, "other-1.0.0.tgz"), filepath.Join(charts, "renamed-1.0.0.tgz")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, charts, map[string]string{
		"unpacked/Chart.yaml": "apiVersion: v2\nname: unpacked\nversion: 2.0.0\n",
		"stray/Chart.yaml":    "apiVersion: v2\nname: stray\nversion: 0.1.0\n",
	})
	cases := []struct{ name, dir string }{{"statuses", parent}}
	shared, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(shared)
	for _, e := range entries {
		if e.IsDir() {
			cases = append(cases, struct{ name, dir string }{e.Name(), filepath.Join(shared, e.Name())})
		}
	}
	if len(cases) < 12 {
		t.Fatalf("%d shared charts, want 11", len(cases)-1)
	}
	for _, c := range cases {
		for _, width := range []string{"", "30"} {
			args := []string{"dependency", "list", c.dir}
			if width != "" {
				args = append(args, "--max-col-width", width)
			}
			want, herr := helm.Run(nil, args...)
			code, got, errOut := runStdin(t, "", args...)
			if herr != nil || code != 0 || got != want {
				t.Errorf("%s %s: exit %d %s\nberth\n%s\nhelm (%v)\n%s", c.name, strings.Join(args[3:], " "), code, errOut, got, herr, want)
			}
		}
	}
	// With no dependencies at all, a warning on stdout, as helm.
	none := sub("none", "0.1.0")
	want := helm.MustRun(t, "dependency", "list", none)
	if code, got, _ := runStdin(t, "", "dependency", "list", none); code != 0 || got != want || !strings.HasPrefix(got, "WARNING: no dependencies") {
		t.Errorf("no dependencies: exit %d\n%q\nhelm %q", code, got, want)
	}
}
