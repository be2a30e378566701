package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

func TestDependencyCommands(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	lib := filepath.Join(t.TempDir(), "lib")
	writeFiles(t, lib, map[string]string{"Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.3.0\n", "values.yaml": "a: 1\n"})
	if code, _, errOut := runStdin(t, "", "push", lib, "oci://"+r.Host+"/deps", "--plain-http"); code != 0 {
		t.Fatalf("push lib: %s", errOut)
	}
	app := filepath.Join(t.TempDir(), "app")
	writeFiles(t, app, map[string]string{"Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: 0.x\n  repository: oci://" + r.Host + "/deps\n"})
	code, out, errOut := runStdin(t, "", "dependency", "update", app, "--plain-http")
	if code != 0 || !strings.Contains(out, "lib 0.3.0 from oci://"+r.Host+"/deps sha256:") {
		t.Fatalf("dependency update: exit %d\n%s%s", code, out, errOut)
	}
	var lock chartfmt.Lock
	b, _ := os.ReadFile(filepath.Join(app, "Chart.lock"))
	if err := yaml.Unmarshal(b, &lock); err != nil || lock.Dependencies[0].Digest == "" || lock.Generated.Unix() != 1700000000 {
		t.Fatalf("Chart.lock: %v\n%s", err, b)
	}
	os.RemoveAll(filepath.Join(app, "charts"))
	if code, _, errOut := runStdin(t, "", "dep", "build", app, "--plain-http"); code != 0 {
		t.Fatalf("dependency build: %s", errOut)
	}
	if _, err := os.Stat(filepath.Join(app, "charts", "lib-0.3.0.tgz")); err != nil {
		t.Fatal(err)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
