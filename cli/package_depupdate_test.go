package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
)

// package --dependency-update vendors what helm's vendors (a classic
// repository by alias and by URL) before packaging: the archives berth and
// helm write hold the same dependency archives, and both print only the
// saved path.
func TestPackageDependencyUpdateMatchesHelm(t *testing.T) {
	r := startClassicRepo(t)
	chartYAML := "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n" +
		"  - name: podinfo\n    version: \"~6.0.0\"\n    repository: \"@demo\"\n" +
		"  - name: nginx\n    version: \">=22.0.0\"\n    repository: " + r.srv.URL + "\n"
	mk := func() string {
		d := filepath.Join(t.TempDir(), "app")
		writeFiles(t, d, map[string]string{"Chart.yaml": chartYAML, "values.yaml": "{}\n"})
		return d
	}
	helmDir, berthDir := mk(), mk()
	helmOut, herr, code := r.helmWith(r.helmPaths, "package", "-u", helmDir, "-d", filepath.Join(helmDir, "out"))
	if code != 0 {
		t.Fatalf("helm package -u: %s", herr)
	}
	code, out, errOut := run(t, "package", berthDir, "--dependency-update", "-d", filepath.Join(berthDir, "out"))
	if code != 0 {
		t.Fatalf("berth package --dependency-update: %d %s%s", code, out, errOut)
	}
	if got, want := strings.ReplaceAll(out, berthDir, "DIR"), strings.ReplaceAll(helmOut, helmDir, "DIR"); got != want {
		t.Errorf("berth printed %q, helm %q", got, want)
	}
	deps := func(archive string) map[string]int {
		ch, err := chartfmt.LoadArchiveFile(archive)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, d := range ch.Dependencies {
			out[d.Name()+"-"+d.Metadata.Version] = len(d.Templates)
		}
		return out
	}
	b, h := deps(filepath.Join(berthDir, "out", "app-0.1.0.tgz")), deps(filepath.Join(helmDir, "out", "app-0.1.0.tgz"))
	if len(b) != 2 || len(b) != len(h) {
		t.Fatalf("packaged dependencies: berth %v, helm %v", b, h)
	}
	for k, v := range h {
		if b[k] != v {
			t.Errorf("dependency %s: berth %d templates, helm %d", k, b[k], v)
		}
	}
	assertSameFiles(t, filepath.Join(helmDir, "charts"), filepath.Join(berthDir, "charts"))
	if _, err := os.Stat(filepath.Join(berthDir, "Chart.lock")); err != nil {
		t.Errorf("no Chart.lock written: %v", err)
	}
}
