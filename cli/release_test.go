package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// dockerSave writes a random image as a `docker save` archive tagged tag.
func dockerSave(t *testing.T, path, tag string) v1.Image {
	t.Helper()
	img, err := random.Image(8192, 2)
	if err != nil {
		t.Fatal(err)
	}
	tg, _ := name.NewTag(tag)
	if err := tarball.WriteToFile(path, tg, img); err != nil {
		t.Fatal(err)
	}
	return img
}

func TestReleaseCommand(t *testing.T) {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	dir := t.TempDir()
	tarPath := filepath.Join(dir, "podinfo.tar")
	img := dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	want, _ := img.Digest()
	chart := copyChart(t, "podinfo")
	reg := []string{"--to", "oci://" + r.Host + "/apps", "--ca-file", r.CAFile, "--username", r.Username, "--password", r.Password}

	code, out, errOut := runStdin(t, "", append([]string{"release", chart, "--image", "podinfo=" + tarPath, "-o", "json"}, reg...)...)
	if code != 0 {
		t.Fatalf("release: exit %d: %s", code, errOut)
	}
	var res releaseOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("release -o json: %v\n%s", err, out)
	}
	if len(res.Images) != 1 || res.Images[0].Ref != r.Host+"/apps/podinfo@"+want.String() || res.Images[0].ValuePath != "image" {
		t.Fatalf("images = %+v, want podinfo at %s", res.Images, want)
	}
	if !strings.HasPrefix(res.Chart, "oci://"+r.Host+"/apps/podinfo@sha256:") {
		t.Fatalf("chart = %s", res.Chart)
	}
	// Plain (non-TTY) progress: one line per blob on stderr.
	code, out, errOut = runStdin(t, "", append([]string{"release", chart, "--image", "podinfo=" + tarPath}, reg...)...)
	if code != 0 || !strings.Contains(out, "Chart: "+res.Chart) || !strings.Contains(errOut, "exists ") {
		t.Fatalf("second release: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// The pinned chart renders the pushed digest (podinfo templates
	// repository:tag, so the pin is tag@digest).
	client, err := oci.NewClient(oci.Options{CAFile: r.CAFile, Username: r.Username, Password: r.Password, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	pulled, err := client.Pull(t.Context(), res.Chart, oci.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := chartfmt.LoadArchive(bytes.NewReader(pulled.Chart))
	if err != nil {
		t.Fatal(err)
	}
	rendered, err := chartfmt.Render(t.Context(), ch, nil, chartfmt.RenderOptions{ReleaseName: "rel", KubeVersion: "v1.37.0"})
	if err != nil {
		t.Fatal(err)
	}
	imgs := chartfmt.PodImages(rendered)
	if !slices.ContainsFunc(imgs, func(s string) bool {
		return strings.HasPrefix(s, r.Host+"/apps/podinfo:"+ch.Metadata.AppVersion+"@") && strings.HasSuffix(s, "@"+want.String())
	}) {
		t.Fatalf("released chart renders images %v", imgs)
	}

	corrupt := filepath.Join(dir, "corrupt.tar")
	b, _ := os.ReadFile(tarPath)
	os.WriteFile(corrupt, b[:len(b)-3000], 0o644)
	for _, c := range []struct {
		image, want string
	}{
		{"billing=" + tarPath, "image billing matches no value"},
		{"podinfo=" + corrupt, "corrupt.tar"},
		{"podinfo=" + filepath.Join(dir, "missing.tar"), "no such file"},
	} {
		code, _, errOut := runStdin(t, "", append([]string{"release", chart, "--image", c.image}, reg...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("--image %s: exit %d, stderr %q; want an error naming %q", c.image, code, errOut, c.want)
		}
	}
}

func TestReleaseCommandRefusedImage(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	// The registry refuses the image (the account may read, so the version
	// check passes, but not push); 5xx refusals are covered in oci (they
	// are retried, which is slow here).
	p := registrytest.NewProxy(t, registrytest.Start(t, registrytest.Bearer()))
	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	code, out, errOut := runStdin(t, "", "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath,
		"--to", "oci://"+p.Registry.Host+"/apps", "--plain-http", "--username", p.Registry.ReadOnlyUsername, "--password", p.Registry.ReadOnlyPassword)
	if code == 0 || !strings.Contains(errOut, "chart not pushed") || !strings.Contains(errOut, "UNAUTHORIZED") || strings.Contains(out, "Chart:") {
		t.Fatalf("refused image: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	t.Logf("stderr: %s", errOut)
	for _, req := range p.Requests() {
		if strings.HasPrefix(req, "PUT ") && strings.Contains(req, "/apps/podinfo/manifests/") {
			t.Fatalf("a manifest was pushed after the image failed: %s", req)
		}
	}
}
