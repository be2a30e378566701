package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestNoPlainHTTPUnlessAsked: every command that talks to a registry, aimed
// at a plain-HTTP registry on 127.0.0.1 without --plain-http, fails saying
// so and sends not one byte over plain HTTP (go-containerregistry would pick
// HTTP for a loopback address by itself). The relay in front of the
// registry counts plain-HTTP connections.
func TestNoPlainHTTPUnlessAsked(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	dir := t.TempDir()
	tarPath := filepath.Join(dir, "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	chart := copyChart(t, "podinfo")

	// Content to read, pushed directly (not through the relay) with the flag.
	code, out, errOut := runStdin(t, "", "release", chart, "--image", "podinfo="+tarPath, "--to", "oci://"+r.Host+"/apps", "--plain-http", "-o", "json")
	if code != 0 {
		t.Fatalf("release --plain-http: %s", errOut)
	}
	var rel releaseOutput
	if err := json.Unmarshal([]byte(out), &rel); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "podinfo-bundle.tar")
	if code, _, errOut := runStdin(t, "", "bundle", "save", rel.Chart, "-o", bundle, "--plain-http", "--skip-test-images"); code != 0 {
		t.Fatalf("bundle save --plain-http: %s", errOut)
	}

	s := registrytest.NewSniffer(t, r)
	host := s.Registry.Host
	app := filepath.Join(t.TempDir(), "app")
	writeFiles(t, app, map[string]string{"Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: podinfo\n  version: " +
		rel.Version + "\n  repository: oci://" + host + "/apps\n"})
	src := "oci://" + host + "/apps/podinfo"
	pinned := src + "@" + rel.Digest
	for _, args := range [][]string{
		{"push", chart, "oci://" + host + "/charts"},
		{"pull", src, "--version", rel.Version, "-d", t.TempDir()},
		{"release", chart, "--image", "podinfo=" + tarPath, "--to", "oci://" + host + "/apps2"},
		// An image read from the registry reaches go-containerregistry before
		// any chart request.
		{"release", chart, "--image", "podinfo=" + host + "/apps/podinfo@" + rel.Images[0].Digest, "--to", "oci://" + host + "/apps2"},
		{"copy", pinned, "--to", "oci://" + host + "/mirror"},
		{"copy", pinned, "--to", "oci://" + host + "/mirror", "--with-images"},
		{"bundle", "push", bundle, "--to", "oci://" + host + "/site"},
		{"bundle", "save", pinned, "-o", filepath.Join(t.TempDir(), "b.tar"), "--skip-test-images"},
		{"versions", src},
		{"search", "oci://" + host},
		{"show", "chart", src, "--version", rel.Version},
		{"template", "web", src, "--version", rel.Version},
		{"dependency", "update", app},
	} {
		code, _, errOut := runStdin(t, "", args...)
		t.Logf("berth %s: %s", args[0], errOut)
		if code == 0 || !strings.Contains(errOut, "--plain-http") {
			t.Errorf("berth %s: exit %d, stderr %q; want a failure advising --plain-http", strings.Join(args, " "), code, errOut)
		}
		if n := s.PlainHTTPConns(); n != 0 {
			t.Fatalf("berth %s: %d plain-HTTP connections without --plain-http", strings.Join(args, " "), n)
		}
	}
	// The relay does see plain HTTP when it is asked for.
	if code, _, errOut := runStdin(t, "", "versions", src, "--plain-http"); code != 0 || s.PlainHTTPConns() == 0 {
		t.Fatalf("versions --plain-http through the relay: exit %d, %d plain connections: %s", code, s.PlainHTTPConns(), errOut)
	}
}

// TestUnknownCANeverFallsBackToHTTP: a TLS registry whose CA berth was not
// given fails with the certificate error, and nothing is retried over HTTP.
func TestUnknownCANeverFallsBackToHTTP(t *testing.T) {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	s := registrytest.NewSniffer(t, r)
	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	img := dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	if code, _, errOut := runStdin(t, "", "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath, "--to", "oci://"+r.Host+"/apps",
		"--ca-file", r.CAFile, "--username", r.Username, "--password", r.Password); code != 0 {
		t.Fatalf("release with the CA: %s", errOut)
	}
	d, _ := img.Digest()
	for _, args := range [][]string{
		{"release", copyChart(t, "podinfo"), "--image", "podinfo=" + tarPath, "--to", "oci://" + s.Registry.Host + "/apps"},
		{"release", copyChart(t, "podinfo"), "--image", "podinfo=" + s.Registry.Host + "/apps/podinfo@" + d.String(), "--to", "oci://" + s.Registry.Host + "/apps2"},
		{"push", copyChart(t, "podinfo"), "oci://" + s.Registry.Host + "/charts"},
	} {
		args = append(args, "--username", r.Username, "--password", r.Password)
		code, _, errOut := runStdin(t, "", args...)
		t.Logf("berth %s: %s", args[0], errOut)
		if code == 0 || !strings.Contains(errOut, "unknown authority") {
			t.Errorf("berth %s without --ca-file: exit %d, stderr %q; want the unknown-CA error", args[0], code, errOut)
		}
		if n := s.PlainHTTPConns(); n != 0 {
			t.Fatalf("berth %s: retried over plain HTTP (%d connections)", args[0], n)
		}
		if s.TLSConns() == 0 {
			t.Fatalf("berth %s: no TLS connection reached the registry", args[0])
		}
	}
}
