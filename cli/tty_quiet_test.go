package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestQuietSilencesProgress: --quiet and BERTH_QUIET drop the progress
// even on a terminal; the result is still printed.
func TestQuietSilencesProgress(t *testing.T) {
	bin := buildBerth(t)
	r := registrytest.Start(t)
	imageTar := filepath.Join(t.TempDir(), "hello.tar")
	img, err := random.Image(1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(imageTar, name.MustParseReference("hello:1.0"), img); err != nil {
		t.Fatal(err)
	}
	chart, _ := filepath.Abs("../examples/hello")
	release := func(ns string, extra ...string) *exec.Cmd {
		args := append([]string{"release", chart, "--image", "hello=" + imageTar, "--to", "oci://" + r.Host + "/" + ns, "--plain-http"}, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir())
		return cmd
	}
	for _, cmd := range []*exec.Cmd{release("quiet", "--quiet"), withEnv(release("quiet-env"), "BERTH_QUIET=1")} {
		out, err := runInTerminal(t, cmd)
		if err != nil {
			t.Fatalf("release --quiet: %v\n%s", err, out)
		}
		if progressBar.MatchString(out) || blobLine.MatchString(strings.ReplaceAll(out, "\r", "")) {
			t.Errorf("progress with --quiet / BERTH_QUIET:\n%q", out)
		}
		if !strings.Contains(out, "Chart: oci://") {
			t.Errorf("no result with --quiet:\n%q", out)
		}
	}
}
