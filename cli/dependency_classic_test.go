package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/registry-test/classic"
	"github.com/berth-dev/berth/tools"
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
	digest := regexp.MustCompile(`(?m)^- digest: (sha256:[0-9a-f]{64})\n  `)
	lock := func(d string) string {
		b, err := os.ReadFile(filepath.Join(d, "Chart.lock"))
		if err != nil {
			t.Fatal(err)
		}
		// berth's addition: each archive's digest (helm ignores the key).
		return digest.ReplaceAllString(gen.ReplaceAllString(string(b), "generated: TIME"), "- ")
	}
	b, _ := os.ReadFile(filepath.Join(berthDir, "Chart.lock"))
	pins := digest.FindAllStringSubmatch(string(b), -1)
	nginx, _ := os.ReadFile(filepath.Join(r.srv.Dir, "nginx-22.1.1.tgz"))
	if sum := sha256.Sum256(nginx); len(pins) != 3 || !strings.Contains(string(b), "sha256:"+hex.EncodeToString(sum[:])) {
		t.Fatalf("Chart.lock lacks the archives' digests:\n%s", b)
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

	// The repository now serves other bytes under the pinned version (and an
	// index that agrees): build refuses instead of vendoring them.
	charts, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	r.helm.MustRun(t, "package", filepath.Join(charts, "nginx"), "-d", other, "--app-version", "0.0.1-other")
	swapped, err := os.ReadFile(filepath.Join(other, "nginx-22.1.1.tgz"))
	if err != nil || os.WriteFile(filepath.Join(r.srv.Dir, "nginx-22.1.1.tgz"), swapped, 0o644) != nil {
		t.Fatal(err)
	}
	classic.Index(t, r.helm, r.srv.Dir, "")
	if code, _, errOut := run(t, "dependency", "build", berthDir); code != 1 || !strings.Contains(errOut, "but Chart.lock pins") {
		t.Fatalf("swapped archive: %d %q", code, errOut)
	}

	// A lock out of sync with Chart.yaml: build refuses, as helm does.
	writeFiles(t, berthDir, map[string]string{"Chart.yaml": strings.Replace(chartYAML, "~6.0.0", "~6.1.0", 1)})
	_, _, hcode := r.helmWith(r.helmPaths, "dependency", "build", berthDir)
	code, _, errOut = run(t, "dependency", "build", berthDir)
	if code != 1 || hcode != 1 || !strings.Contains(errOut, "out of sync") {
		t.Fatalf("out-of-sync lock: berth %d %q, helm %d", code, errOut, hcode)
	}
}
