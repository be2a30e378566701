package dockertest_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/oci"
	"github.com/berth-dev/berth/oci/image/dockertest"
)

var (
	berthOnce sync.Once
	berthBin  string
	binDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func berth(t testing.TB) *dockertest.Berth {
	t.Helper()
	berthOnce.Do(func() {
		dir, err := os.MkdirTemp("", "berth-dockertest-*")
		if err != nil {
			t.Fatal(err)
		}
		binDir = dir
		berthBin = dockertest.BuildBerth(t, dir)
	})
	if berthBin == "" {
		t.Fatal("berth binary not built")
	}
	return dockertest.NewBerth(t, berthBin)
}

// appChart writes a chart deploying one image, "app", by the
// image.repository/tag/digest convention.
func appChart(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
		"values.yaml": "image:\n  repository: example.com/shop/app\n  tag: \"1\"\n  digest: \"\"\n",
		"templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}{{ if .Values.image.digest }}@{{ .Values.image.digest }}{{ else }}:{{ .Values.image.tag }}{{ end }}"
`,
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

type releaseOutput struct {
	Chart  string              `json:"chart"`
	Images []oci.ReleasedImage `json:"images"`
}

func release(t *testing.T, b *dockertest.Berth, chart, source, to string) releaseOutput {
	t.Helper()
	out := b.Run("release", chart, "--image", "app="+source, "--to", "oci://"+to, "--plain-http", "-o", "json")
	var res releaseOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Images) != 1 {
		t.Fatalf("berth release output: %v\n%s", err, out)
	}
	return res
}

// The seed user's flow, without docker save/load: docker build, berth
// release from the daemon, docker pull of the printed digest. The digest is
// the one docker push prints for the same image.
func TestDockerReleaseFromDaemonThenPull(t *testing.T) {
	d := dockertest.Require(t)
	b := berth(t)
	host := b.Serve()
	ref := dockertest.UniqueName("app") + ":1"
	id := d.Build(ref, 200<<10, 100<<10)

	res := release(t, b, appChart(t), "docker-daemon:"+ref, host+"/ns")
	img := res.Images[0]
	if want := host + "/ns/app@" + img.Digest; img.Ref != want {
		t.Fatalf("released %s, want %s", img.Ref, want)
	}
	theirs := host + "/ns/pushed:1"
	d.Tag(ref, theirs)
	if pushed := d.Push(theirs); pushed != img.Digest {
		t.Errorf("berth release from the daemon pinned %s, docker push gives %s", img.Digest, pushed)
	}
	d.Remove(ref, theirs)
	if got := d.Pull(img.Ref); got != id {
		t.Errorf("docker pull %s: image ID %s, built %s", img.Ref, got, id)
	}
}

var bundleImage = regexp.MustCompile(`Image: (\S+)`)

// The other direction: docker push into berth registry serve, release by
// reference (copied by digest), then relocation by bundle push and copy
// --with-images; docker pull works on every far side.
func TestDockerPushIntoServeThenRelocate(t *testing.T) {
	d := dockertest.Require(t)
	b := berth(t)
	src, far := b.Serve(), b.Serve()
	ref := dockertest.UniqueName("app") + ":1"
	id := d.Build(ref, 150<<10)
	pushedRef := src + "/team/app:1"
	d.Tag(ref, pushedRef)
	digest := d.Push(pushedRef)

	res := release(t, b, appChart(t), pushedRef, src+"/rel")
	if want := src + "/rel/app@" + digest; res.Images[0].Ref != want {
		t.Fatalf("release by reference: %s, want %s (copied by digest)", res.Images[0].Ref, want)
	}

	bundle := filepath.Join(t.TempDir(), "shop.tar")
	b.Run("bundle", "save", res.Chart, "-o", bundle, "--plain-http")
	out := b.Run("bundle", "push", bundle, "--to", "oci://"+far+"/edge", "--plain-http")
	m := bundleImage.FindStringSubmatch(out)
	if m == nil || m[1] != far+"/edge/app@"+digest {
		t.Fatalf("bundle push: want Image: %s/edge/app@%s\n%s", far, digest, out)
	}
	out = b.Run("copy", res.Chart, "--to", "oci://"+far+"/mirror", "--with-images", "--plain-http", "-o", "json")
	var copied releaseOutput
	if err := json.Unmarshal([]byte(out), &copied); err != nil || len(copied.Images) != 1 || copied.Images[0].Ref != far+"/mirror/app@"+digest {
		t.Fatalf("copy --with-images: %v\n%s", err, out)
	}

	d.Remove(ref, pushedRef)
	for _, r := range []string{m[1], copied.Images[0].Ref, res.Images[0].Ref} {
		if got := d.Pull(r); got != id {
			t.Errorf("docker pull %s: image ID %s, built %s", r, got, id)
		}
		d.Remove(r)
	}
}

// Air gap: a bundle is an OCI layout holding the chart too, which Docker
// Engines before 25 cannot load; berth bundle export writes one image as a
// docker save archive that docker load accepts, same image ID.
func TestDockerLoadBundleExport(t *testing.T) {
	d := dockertest.Require(t)
	b := berth(t)
	host := b.Serve()
	ref := dockertest.UniqueName("app") + ":1"
	id := d.Build(ref, 120<<10, 60<<10)
	res := release(t, b, appChart(t), "docker-daemon:"+ref, host+"/ns")

	dir := t.TempDir()
	bundle, exported := filepath.Join(dir, "shop.tar"), filepath.Join(dir, "app.tar")
	b.Run("bundle", "save", res.Chart, "-o", bundle, "--plain-http")
	d.Remove(ref)
	if out, err := d.Try("load", "-i", bundle); err != nil {
		t.Logf("docker load of the bundle itself (Docker %s): %v", d.ServerVersion(), err)
	} else {
		t.Logf("docker load of the bundle itself (Docker %s) accepted it: %s", d.ServerVersion(), out)
	}

	if _, err := b.Try("bundle", "export", bundle, "nothere:1", "-o", exported); err == nil || !strings.Contains(err.Error(), res.Images[0].Ref) {
		t.Errorf("export of a missing image: err = %v, want the images listed", err)
	}
	loaded := host + "/ns/app:loaded"
	b.Run("bundle", "export", bundle, "app@"+res.Images[0].Digest, "-o", exported, "--tag", loaded)
	t.Cleanup(func() { d.Remove(loaded) })
	if out := d.Run("load", "-i", exported); !strings.Contains(out, loaded) {
		t.Errorf("docker load did not name %s: %s", loaded, out)
	}
	if got := d.ImageID(loaded); got != id {
		t.Errorf("docker load of the export: image ID %s, built %s", got, id)
	}
}

// TLS: docker push into berth registry serve over HTTPS on a non-loopback
// address, trusted through a CA placed where dockerd reads it for that host
// only (removed after the test); without it the push is refused.
func TestDockerPushIntoServeOverTLS(t *testing.T) {
	d := dockertest.Require(t)
	b := berth(t)
	ip := dockertest.OutboundIP(t)
	cert := dockertest.NewCert(t, ip)
	host := b.Serve("--addr", ip.String()+":0", "--tls-cert", cert.CertFile, "--tls-key", cert.KeyFile)
	ref := dockertest.UniqueName("app") + ":1"
	id := d.Build(ref, 100<<10)
	pushedRef := host + "/team/app:1"
	d.Tag(ref, pushedRef)
	if _, err := d.Try("push", pushedRef); err == nil {
		t.Fatalf("docker push to %s succeeded before its CA was trusted", host)
	}
	dockertest.TrustCA(t, host, cert.CAFile)
	digest := d.Push(pushedRef)

	out := b.Run("release", appChart(t), "--image", "app="+pushedRef, "--to", "oci://"+host+"/rel", "--ca-file", cert.CAFile, "-o", "json")
	var res releaseOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Images) != 1 || res.Images[0].Ref != host+"/rel/app@"+digest {
		t.Fatalf("release over TLS: %v\n%s", err, out)
	}
	d.Remove(ref, pushedRef)
	if got := d.Pull(res.Images[0].Ref); got != id {
		t.Errorf("docker pull %s: image ID %s, built %s", res.Images[0].Ref, got, id)
	}
}

// Ctrl-C during a release from the daemon leaves nothing in TMPDIR: the
// export and the compressed layers live in files unlinked when created.
// The interrupt is sent once berth holds a file under TMPDIR open (seen in
// /proc/PID/fd), i.e. in the middle of the export.
func TestDockerReleaseFromDaemonInterruptedLeavesNoTempFiles(t *testing.T) {
	d := dockertest.Require(t)
	b := berth(t)
	host := b.Serve()
	ref := dockertest.UniqueName("big") + ":1"
	d.Build(ref, 48<<20, 48<<20)
	tmp := t.TempDir()

	cmd := exec.Command(berthBin, "release", appChart(t), "--image", "app=docker-daemon:"+ref, "--to", "oci://"+host+"/ns", "--plain-http")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "XDG_CACHE_HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	open := ""
	for deadline := time.Now().Add(60 * time.Second); open == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		open = openUnder(cmd.Process.Pid, tmp)
	}
	if open == "" {
		t.Fatal("berth never opened a file under TMPDIR")
	}
	if !strings.HasSuffix(open, " (deleted)") {
		t.Errorf("berth holds %s open under its name: not unlinked", open)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("berth release succeeded despite the interrupt")
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("berth release still running 60s after SIGINT")
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left in TMPDIR: %s", e.Name())
	}
}

// openUnder returns the target of a file descriptor of pid under dir.
func openUnder(pid int, dir string) string {
	fds, _ := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "fd"))
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+string(filepath.Separator)) {
			return target
		}
	}
	return ""
}
