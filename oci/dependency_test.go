package oci

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// writeChart writes a minimal chart directory.
func writeChart(t *testing.T, dir, chartYAML string) string {
	t.Helper()
	files := map[string]string{
		"Chart.yaml":        chartYAML,
		"values.yaml":       "greeting: hello\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  greeting: {{ .Values.greeting }}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	return dst
}

func TestDependencyUpdateAndBuild(t *testing.T) {
	h := newOracle(t)
	r := registrytest.Start(t)
	c := clientFor(t, r, "", "")
	ctx := t.Context()
	pushLib := func(version, description string) ([]byte, string) {
		dir := writeChart(t, t.TempDir()+"/common", "apiVersion: v2\nname: common\nversion: "+version+"\ndescription: "+description+"\n")
		ch, err := chartfmt.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Push(ctx, tgz, "oci://"+r.Host+"/deps", PushOptions{Force: true}) // versions are re-pushed with new content
		if err != nil {
			t.Fatal(err)
		}
		return tgz, res.Digest
	}
	_, d100 := pushLib("1.0.0", "first")
	lib110, d110 := pushLib("1.1.0", "second")
	_, _ = pushLib("2.0.0-rc.1", "prerelease")

	parent := writeChart(t, filepath.Join(t.TempDir(), "parent"), "apiVersion: v2\nname: parent\nversion: 0.1.0\n"+
		"dependencies:\n- name: common\n  version: ^1.0.0\n  repository: oci://"+r.Host+"/deps\n")
	helmCopy := copyDir(t, parent)

	res, err := c.DependencyUpdate(ctx, parent, DependencyOptions{Generated: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	l := res.Lock.Dependencies[0]
	if l.Version != "1.1.0" || l.Digest != d110 {
		t.Fatalf("locked %+v, want 1.1.0 @ %s", l, d110)
	}
	vendored := filepath.Join(parent, "charts", "common-1.1.0.tgz")
	if b, _ := os.ReadFile(vendored); !bytes.Equal(b, lib110) {
		t.Fatal("vendored archive differs from the pushed one")
	}

	// helm resolves the same version and computes the same lock digest.
	h.run("", "dependency", "update", helmCopy, "--plain-http")
	var helmLock chartfmt.Lock
	hb, _ := os.ReadFile(filepath.Join(helmCopy, "Chart.lock"))
	if err := yaml.Unmarshal(hb, &helmLock); err != nil {
		t.Fatal(err)
	}
	if helmLock.Digest != res.Lock.Digest || helmLock.Dependencies[0].Version != "1.1.0" {
		t.Fatalf("helm's Chart.lock differs:\n%s\nberth digest %s", hb, res.Lock.Digest)
	}
	// helm accepts berth's Chart.lock (in sync) and builds from it.
	h.run("", "dependency", "build", copyDir(t, parent), "--plain-http")

	// The tag 1.1.0 is overwritten with other content: berth build still
	// vendors the pinned bytes; helm (no digest) would take the new ones.
	pushLib("1.1.0", "republished")
	if err := os.Remove(vendored); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DependencyBuild(ctx, parent); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(vendored); !bytes.Equal(b, lib110) {
		t.Fatal("dependency build did not vendor the pinned digest")
	}
	helmBuilt := copyDir(t, parent)
	os.Remove(filepath.Join(helmBuilt, "charts", "common-1.1.0.tgz"))
	h.run("", "dependency", "build", helmBuilt, "--plain-http")
	if b, _ := os.ReadFile(filepath.Join(helmBuilt, "charts", "common-1.1.0.tgz")); bytes.Equal(b, lib110) {
		t.Fatal("expected helm to fetch the republished tag (no digest pinning)")
	}

	// A lock whose digest names another version is refused.
	lockPath := filepath.Join(parent, "Chart.lock")
	lb, _ := os.ReadFile(lockPath)
	if err := os.WriteFile(lockPath, bytes.ReplaceAll(lb, []byte(d110), []byte(d100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DependencyBuild(ctx, parent); err == nil || !strings.Contains(err.Error(), "holds version 1.0.0") {
		t.Fatalf("swapped digest: %v", err)
	}
	// Chart.yaml changed without an update: out of sync.
	cy := filepath.Join(parent, "Chart.yaml")
	cb, _ := os.ReadFile(cy)
	if err := os.WriteFile(cy, bytes.ReplaceAll(cb, []byte("^1.0.0"), []byte("^1.1.0")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DependencyBuild(ctx, parent); err == nil || !strings.Contains(err.Error(), "out of sync") {
		t.Fatalf("changed Chart.yaml: %v", err)
	}
}
