package cli

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

func helmOut(t *testing.T, args ...string) string {
	t.Helper()
	return tools.NewHelm(t).MustRun(t, args...)
}

// TestPackageCommandReproducible: `berth package` of two copies with other
// mtimes gives the same file; --version/--app-version and
// SOURCE_DATE_EPOCH apply; helm reads the result.
func TestPackageCommandReproducible(t *testing.T) {
	var sums [2][32]byte
	for i := range sums {
		dir := copyChart(t, "wordpress")
		stamp := time.Now().Add(time.Duration(-i*50) * time.Hour)
		filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, stamp, stamp) })
		dest := t.TempDir()
		code, out, errOut := run(t, "package", dir, "-d", dest)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		want := filepath.Join(dest, "wordpress-27.0.0.tgz")
		if out != "Successfully packaged chart and saved it to: "+want+"\n" {
			t.Errorf("output %q", out)
		}
		data, err := os.ReadFile(want)
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = sha256.Sum256(data)
	}
	if sums[0] != sums[1] {
		t.Errorf("two packages of the same chart differ: %x %x", sums[0], sums[1])
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dest := t.TempDir()
	code, _, errOut := run(t, "package", copyChart(t, "podinfo"), "--destination", dest, "--version", "7.0.0", "--app-version", "v9")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	show := helmOut(t, "show", "chart", filepath.Join(dest, "podinfo-7.0.0.tgz"))
	if !strings.Contains(show, "version: 7.0.0") || !strings.Contains(show, "appVersion: v9") {
		t.Errorf("helm show chart:\n%s", show)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "soon")
	if code, _, errOut := run(t, "package", copyChart(t, "podinfo"), "-d", dest); code != 1 || !strings.Contains(errOut, "SOURCE_DATE_EPOCH") {
		t.Errorf("bad SOURCE_DATE_EPOCH: exit %d %s", code, errOut)
	}
}

// TestLintCommand: exit codes, file:line messages, --set and -f.
func TestLintCommand(t *testing.T) {
	code, out, errOut := run(t, "lint", copyChart(t, "nginx"))
	if code != 0 || !strings.Contains(out, "1 chart(s) linted, 0 chart(s) failed") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	dir := filepath.Join(t.TempDir(), "req")
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: req\nversion: 1.0.0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "templates", "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  host: {{ required \"host is required\" .Values.host }}\n"), 0o644)
	// A missing required value passes (as in helm lint) with a located
	// warning, and fails with --strict.
	code, out, errOut = run(t, "lint", dir)
	if code != 0 || !strings.Contains(out, "[WARNING] templates/cm.yaml:6: execution error at (req/templates/cm.yaml:6:11): host is required") {
		t.Errorf("missing value: exit %d\n%s\n%s", code, out, errOut)
	}
	helmOut(t, "lint", dir)
	if code, _, errOut = run(t, "lint", "--strict", dir); code != 1 || !strings.Contains(errOut, "Error: 1 chart(s) linted, 1 chart(s) failed") {
		t.Errorf("missing value --strict: exit %d %s", code, errOut)
	}
	if code, out, _ = run(t, "lint", dir, "--set", "host=a"); code != 0 {
		t.Errorf("--set: exit %d\n%s", code, out)
	}
	vals := filepath.Join(t.TempDir(), "v.yaml")
	os.WriteFile(vals, []byte("host: b\n"), 0o644)
	if code, out, _ = run(t, "lint", "-f", vals, dir); code != 0 {
		t.Errorf("-f: exit %d\n%s", code, out)
	}
	// --with-subcharts lints each vendored subchart too: the same 6 charts as helm.
	wp := copyChart(t, "wordpress")
	code, out, _ = run(t, "lint", "--with-subcharts", wp)
	if code != 0 || !strings.Contains(out, "6 chart(s) linted, 0 chart(s) failed") ||
		!strings.Contains(out, "==> Linting "+filepath.Join(wp, "charts", "mariadb", "charts", "common")+"\n") ||
		!strings.Contains(helmOut(t, "lint", "--with-subcharts", wp), "6 chart(s) linted") {
		t.Errorf("--with-subcharts: exit %d\n%s", code, out)
	}
	// --strict turns warnings (no maintainers) into failure.
	if code, out, _ = run(t, "lint", "--strict", "--set", "host=a", dir); code != 1 || !strings.Contains(out, "[WARNING] Chart.yaml:1: maintainers are recommended") {
		t.Errorf("--strict: exit %d\n%s", code, out)
	}
}

// TestCreateCommand: the new chart lints clean in berth and helm, and
// `berth template` renders it as `helm template` does.
func TestCreateCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop")
	code, out, errOut := run(t, "create", dir)
	if code != 0 || out != "Creating "+dir+"\n" {
		t.Fatalf("exit %d: %q %s", code, out, errOut)
	}
	if code, out, _ := run(t, "lint", "--strict", dir); code != 0 {
		t.Errorf("berth lint: exit %d\n%s", code, out)
	}
	helmOut(t, "lint", "--strict", dir)
	code, got, errOut := run(t, "template", "-n", "shop", "--kube-version", "1.37.2", "--set", "ingress.enabled=true", "r1", dir)
	if code != 0 {
		t.Fatalf("template: %s", errOut)
	}
	if want := helmOut(t, "template", "r1", dir, "-n", "shop", "--kube-version", "1.37.2", "--set", "ingress.enabled=true"); got != want {
		t.Errorf("berth template differs from helm template:\n%s\n---- helm:\n%s", got, want)
	}
	if code, _, errOut := run(t, "create", dir); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("create over an existing dir: exit %d %s", code, errOut)
	}
}

// TestShowLocalCommand: every `berth show` output for a local chart (dir
// and .tgz) equals helm's.
func TestShowLocalCommand(t *testing.T) {
	dir := copyChart(t, "postgresql")
	dest := t.TempDir()
	if code, _, errOut := run(t, "package", dir, "-d", dest); code != 0 {
		t.Fatal(errOut)
	}
	for _, chart := range []string{dir, filepath.Join(dest, "postgresql-17.1.0.tgz")} {
		for _, what := range []string{"chart", "values", "readme", "crds", "all"} {
			code, got, errOut := run(t, "show", what, chart)
			if code != 0 {
				t.Fatalf("show %s: %s", what, errOut)
			}
			if want := helmOut(t, "show", what, chart); got != want {
				t.Errorf("show %s %s differs from helm", what, chart)
			}
		}
	}
}

// TestShowRemoteCRDsAndAll: `berth show crds|all oci://…` pulls the chart
// and prints what `helm show` prints for the same reference.
func TestShowRemoteCRDsAndAll(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("HELM_REGISTRY_CONFIG", filepath.Join(t.TempDir(), "none.json"))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if code, _, errOut := run(t, "push", copyChart(t, "nginx"), "oci://"+r.Host+"/charts", "--plain-http"); code != 0 {
		t.Fatalf("push: %s", errOut)
	}
	ref := "oci://" + r.Host + "/charts/nginx"
	for _, what := range []string{"crds", "all"} {
		code, got, errOut := run(t, "show", what, ref, "--plain-http")
		if code != 0 {
			t.Fatalf("show %s: %s", what, errOut)
		}
		if want := helmOut(t, "show", what, ref, "--plain-http"); got != want {
			t.Errorf("show %s %s differs from helm:\nberth:\n%.500s\nhelm:\n%.500s", what, ref, got, want)
		}
	}
}
