package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// TestRegistryLoginWarningAndHints: `registry login -p` prints Helm's
// warning line (compared with the oracle's), a refused password and a
// missing login each end with a Hint line saying what to do.
func TestRegistryLoginWarningAndHints(t *testing.T) {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("HELM_REGISTRY_CONFIG", filepath.Join(t.TempDir(), "none.json"))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	helm := tools.NewHelm(t)

	for _, pw := range []string{"wrong", r.Password} {
		args := []string{"registry", "login", r.Host, "-u", r.Username, "-p", pw, "--ca-file", r.CAFile}
		cmd := helm.Command(args...)
		var hErr strings.Builder
		cmd.Stderr = &hErr
		hRunErr := cmd.Run()
		code, _, errOut := runStdin(t, "", args...)
		hFirst, _, _ := strings.Cut(hErr.String(), "\n")
		bFirst, _, _ := strings.Cut(errOut, "\n")
		if bFirst != hFirst || !strings.HasPrefix(bFirst, "WARNING: ") || (code == 0) != (hRunErr == nil) {
			t.Fatalf("login -p %s: berth exit %d:\n%s\nhelm (%v):\n%s", pw, code, errOut, hRunErr, hErr.String())
		}
		if strings.Contains(errOut, r.Password) {
			t.Fatalf("the password is printed:\n%s", errOut)
		}
		if pw == "wrong" && !strings.Contains(errOut, "\nHint: the registry refused this username and password") {
			t.Fatalf("no hint for a wrong password:\n%s", errOut)
		}
	}
	if code, _, errOut := runStdin(t, r.Password+"\n", "registry", "login", r.Host, "-u", r.Username, "--password-stdin", "--ca-file", r.CAFile); code != 0 || strings.Contains(errOut, "WARNING") {
		t.Fatalf("--password-stdin: exit %d, no warning expected:\n%s", code, errOut)
	}

	t.Setenv("DOCKER_CONFIG", t.TempDir()) // logged out
	code, _, errOut := runStdin(t, "", "versions", "oci://"+r.Host+"/charts/podinfo", "--ca-file", r.CAFile)
	if code != 1 || !strings.Contains(errOut, "\nHint: the registry wants credentials: run `berth registry login "+r.Host+"`") {
		t.Fatalf("versions without login: exit %d:\n%s", code, errOut)
	}
}

// TestVersionsCreatedAndSignatureTags: the CREATED column shows a chart's
// own date (SOURCE_DATE_EPOCH when packaged) and "-" for the fixed date of
// a reproducible archive; signature-style tags (sha256-<hex>.sig) are not
// listed as versions or as other tags.
func TestVersionsCreatedAndSignatureTags(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dest := "oci://" + r.Host + "/charts"

	t.Setenv("SOURCE_DATE_EPOCH", "")
	if code, _, errOut := runStdin(t, "", "push", copyChart(t, "podinfo"), dest, "--plain-http"); code != 0 {
		t.Fatalf("push: %s", errOut)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	pkg := t.TempDir()
	if code, _, errOut := runStdin(t, "", "package", copyChart(t, "podinfo"), "--version", "99.0.0", "-d", pkg); code != 0 {
		t.Fatalf("package: %s", errOut)
	}
	tgzs, _ := filepath.Glob(filepath.Join(pkg, "*.tgz"))
	if code, _, errOut := runStdin(t, "", "push", tgzs[0], dest, "--plain-http"); code != 0 {
		t.Fatalf("push: %s", errOut)
	}
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := name.ParseReference(r.Host + "/charts/podinfo:sha256-" + strings.Repeat("0f", 32) + ".sig")
	if err := remote.Write(sig, img, remote.WithTransport(r.HTTPClient().Transport)); err != nil {
		t.Fatal(err)
	}
	other, _ := name.ParseReference(r.Host + "/charts/podinfo:latest")
	if err := remote.Write(other, img, remote.WithTransport(r.HTTPClient().Transport)); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runStdin(t, "", "versions", dest+"/podinfo", "--plain-http")
	if code != 0 {
		t.Fatalf("versions: exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "99.0.0") || !strings.Contains(lines[1], "2023-11-14T22:13:20Z") ||
		strings.Fields(lines[2])[1] != "-" || strings.Contains(out, "1980") {
		t.Fatalf("versions table:\n%s", out)
	}
	if strings.Contains(out, ".sig") || !strings.Contains(out, "Helm ignores them): latest\n") {
		t.Fatalf("signature tag listed, or other tags missing:\n%s", out)
	}
	if code, out, _ = runStdin(t, "", "versions", dest+"/podinfo", "--plain-http", "-o", "json"); code != 0 || strings.Contains(out, ".sig") {
		t.Fatalf("versions -o json lists the signature tag:\n%s", out)
	}
}
