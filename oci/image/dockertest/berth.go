package dockertest

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// BuildBerth builds the berth binary into dir and returns its path.
func BuildBerth(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "berth")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/berth-dev/berth").CombinedOutput(); err != nil {
		t.Fatalf("go build berth: %v\n%s", err, out)
	}
	return bin
}

// Berth runs a berth binary with a private cache and docker config (so no
// credentials of the machine are used).
type Berth struct {
	t   testing.TB
	bin string
	env []string
}

// NewBerth binds bin to t.
func NewBerth(t testing.TB, bin string) *Berth {
	return &Berth{t: t, bin: bin, env: append(os.Environ(),
		"XDG_CACHE_HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir(), "NO_COLOR=1")}
}

// Run runs berth with args and returns stdout; it fails the test on error.
func (b *Berth) Run(args ...string) string {
	b.t.Helper()
	out, err := b.Try(args...)
	if err != nil {
		b.t.Fatalf("berth %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// Try runs berth with args; the error carries stderr.
func (b *Berth) Try(args ...string) (string, error) {
	cmd := exec.Command(b.bin, args...)
	cmd.Env = b.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &cmdError{err: err, stderr: strings.TrimSpace(stderr.String())}
	}
	return stdout.String(), nil
}

var serving = regexp.MustCompile(`Serving OCI registry on https?://(\S+) `)

// Serve runs `berth registry serve` on a free loopback port until the test
// ends and returns its host:port. extra adds flags (--tls-cert, --tls-key).
func (b *Berth) Serve(extra ...string) string {
	b.t.Helper()
	host, stop := b.StartServe(b.t.TempDir(), extra...)
	b.t.Cleanup(stop)
	return host
}

// StartServe runs `berth registry serve` with storage until stop is called
// (which also removes storage). extra may set --addr (default 127.0.0.1:0).
func (b *Berth) StartServe(storage string, extra ...string) (host string, stop func()) {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	args := append([]string{"registry", "serve", "--addr", "127.0.0.1:0", "--storage", storage}, extra...)
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Env = b.env
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	stop = func() { cancel(); _ = cmd.Wait(); _ = os.RemoveAll(storage) }
	hostc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := serving.FindStringSubmatch(sc.Text()); m != nil {
				hostc <- m[1]
			}
		}
	}()
	select {
	case h := <-hostc:
		return h, stop
	case <-time.After(30 * time.Second):
		stop()
		b.t.Fatal("berth registry serve printed no address within 30s")
		return "", nil
	}
}
