package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDependencyClassicMatchesHelm: dependencies from a classic repository
// (by @alias and by URL, TLS and basic auth from repositories.yaml):
// dependency update vendors the archives helm vendors and writes the
// Chart.lock helm writes (generated time aside); dependency build restores
// them from the lock; helm builds from berth's lock.
func TestDependencyClassicMatchesHelm(t *testing.T) {
	r := startClassicRepo(t)
	chartYAML := "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n" +
		"  - name: podinfo\n    version: \"~6.0.0\"\n    repository: \"@demo\"\n" +
		"  - name: nginx\n    version: \">=22.0.0\"\n    repository: " + r.srv.URL + "\n" +
		"  - name: base\n    version: \"1.0.0\"\n    repository: \"alias:demo\"\n    alias: istio\n"
	mk := func() string {
		d := filepath.Join(t.TempDir(), "app")
		writeFiles(t, d, map[string]string{"Chart.yaml": chartYAML, "values.yaml": "{}\n"})
		return d
	}
	helmDir, berthDir := mk(), mk()
	if _, herr, code := r.helmWith(r.helmPaths, "dependency", "update", helmDir); code != 0 {
		t.Fatalf("helm dependency update: %s", herr)
	}
	code, out, errOut := run(t, "dependency", "update", berthDir)
	if code != 0 {
		t.Fatalf("berth dependency update: %d %s%s", code, out, errOut)
	}
	gen := regexp.MustCompile(`(?m)^generated: .*$`)
	lock := func(d string) string {
		b, err := os.ReadFile(filepath.Join(d, "Chart.lock"))
		if err != nil {
			t.Fatal(err)
		}
		return gen.ReplaceAllString(string(b), "generated: TIME")
	}
	if lock(berthDir) != lock(helmDir) || !strings.Contains(lock(berthDir), "repository: "+r.srv.URL) {
		t.Fatalf("Chart.lock differs:\n--- berth:\n%s--- helm:\n%s", lock(berthDir), lock(helmDir))
	}
	assertSameFiles(t, filepath.Join(helmDir, "charts"), filepath.Join(berthDir, "charts"))

	// build: the same files again from the lock, and helm builds from berth's lock.
	os.RemoveAll(filepath.Join(berthDir, "charts"))
	if code, out, errOut := run(t, "dependency", "build", berthDir); code != 0 {
		t.Fatalf("berth dependency build: %d %s%s", code, out, errOut)
	}
	assertSameFiles(t, filepath.Join(helmDir, "charts"), filepath.Join(berthDir, "charts"))
	os.RemoveAll(filepath.Join(berthDir, "charts"))
	if _, herr, code := r.helmWith(r.helmPaths, "dependency", "build", berthDir); code != 0 {
		t.Fatalf("helm dependency build of berth's lock: %s", herr)
	}
	assertSameFiles(t, filepath.Join(helmDir, "charts"), filepath.Join(berthDir, "charts"))

	// A lock out of sync with Chart.yaml: build refuses, as helm does.
	writeFiles(t, berthDir, map[string]string{"Chart.yaml": strings.Replace(chartYAML, "~6.0.0", "~6.1.0", 1)})
	_, _, hcode := r.helmWith(r.helmPaths, "dependency", "build", berthDir)
	code, _, errOut = run(t, "dependency", "build", berthDir)
	if code != 1 || hcode != 1 || !strings.Contains(errOut, "out of sync") {
		t.Fatalf("out-of-sync lock: berth %d %q, helm %d", code, errOut, hcode)
	}
}
