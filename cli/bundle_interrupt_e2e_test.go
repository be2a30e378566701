package cli_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/berth-dev/berth/cli"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// Ctrl-C while `bundle push` uploads to a registry that has stopped
// answering: exit 130, one line naming the interruption (no upload URL,
// no _state token), and the upload session is ended with a DELETE so the
// registry keeps no abandoned upload.
func TestBundlePushInterrupted(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	bin := berthBinary(t)
	src, dst := registrytest.Start(t), registrytest.Start(t)
	proxy := registrytest.NewProxy(t, dst)
	img, err := random.Image(4<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(src.Host + "/team/app:1.0")
	if err := remote.Write(ref, img, remote.WithTransport(src.HTTPClient().Transport)); err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(t.TempDir(), "app")
	for file, body := range map[string]string{
		"Chart.yaml":         "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"values.yaml":        "image: " + src.Host + "/team/app:1.0\n",
		"templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: {{ .Values.image }}\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(chart, file)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(chart, file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bundle := filepath.Join(t.TempDir(), "app.tar")
	var out, errOut bytes.Buffer
	if code := cli.Run(context.Background(), []string{"berth", "bundle", "save", chart, "-o", bundle, "--plain-http"},
		cli.Build{Version: "test"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("bundle save: exit %d\n%s%s", code, out.String(), errOut.String())
	}

	stall := &registrytest.Fault{Kind: registrytest.Stall, Match: func(r *http.Request) bool {
		return (r.Method == http.MethodPatch || r.Method == http.MethodPut) && registrytest.BlobUpload(r)
	}}
	proxy.Inject(stall)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "bundle", "push", bundle, "--to", "oci://"+proxy.Registry.Host+"/edge", "--plain-http")
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	for deadline := time.Now().Add(60 * time.Second); stall.Hits() == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the push never started uploading; requests: %v", proxy.Requests())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("bundle push still running 30s after SIGINT:\n%s", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != cli.ExitInterrupted {
		t.Errorf("exit code %d, want %d; stderr:\n%s", code, cli.ExitInterrupted, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if lines[len(lines)-1] != cli.InterruptedMessage || strings.Contains(stderr.String(), "_state") || strings.Contains(stderr.String(), "/blobs/uploads/") {
		t.Errorf("stderr after SIGINT, want one %q line and no upload URL:\n%s", cli.InterruptedMessage, stderr.String())
	}
	deleted := false
	for _, r := range proxy.Requests() {
		deleted = deleted || strings.HasPrefix(r, "DELETE ") && strings.Contains(r, "/blobs/uploads/")
	}
	if !deleted {
		t.Errorf("no DELETE ended the upload session; requests: %v", proxy.Requests())
	}
}
