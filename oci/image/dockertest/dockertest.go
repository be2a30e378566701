// Package dockertest drives the real Docker Engine of the machine from tests:
// it builds small images offline (FROM scratch), tags, pushes, pulls and
// saves them with the docker CLI, and removes every image it made when the
// test ends.
//
// Every development machine and CI runner of berth has a Docker daemon.
// Where none answers, Require fails the test and says how to start one;
// BERTH_NO_DOCKER=1 is the explicit opt-out (the test is skipped, saying so).
package dockertest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// OptOut is the variable that skips Docker tests on purpose.
const OptOut = "BERTH_NO_DOCKER"

// Docker is the docker CLI bound to one test.
type Docker struct{ t testing.TB }

// Require returns a Docker for t, or fails t with how to start a daemon.
func Require(t testing.TB) *Docker {
	t.Helper()
	if os.Getenv(OptOut) == "1" {
		t.Skipf("%s=1: Docker Engine tests skipped on request", OptOut)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Fatalf("dockertest: no docker CLI on PATH (install Docker Engine; or set %s=1 to skip Docker tests on purpose)", OptOut)
	}
	out, err := exec.Command("docker", "version", "--format", "{{.Server.Version}}").CombinedOutput()
	if err != nil {
		t.Fatalf("dockertest: no Docker daemon answers (%v: %s).\nStart one (`sudo systemctl start docker`, or `sudo dockerd &`), or point DOCKER_HOST at one; or set %s=1 to skip Docker tests on purpose",
			err, bytes.TrimSpace(out), OptOut)
	}
	return &Docker{t: t}
}

// ServerVersion is the daemon's version, for logs and benchmarks.
func (d *Docker) ServerVersion() string {
	return strings.TrimSpace(d.Run("version", "--format", "{{.Server.Version}}"))
}

// Run runs docker with args and returns its stdout; it fails the test on error.
func (d *Docker) Run(args ...string) string {
	d.t.Helper()
	out, err := d.Try(args...)
	if err != nil {
		d.t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// Try runs docker with args; the error carries stderr.
func (d *Docker) Try(args ...string) (string, error) {
	cmd := exec.Command("docker", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &cmdError{err: err, stderr: strings.TrimSpace(stderr.String())}
	}
	return stdout.String(), nil
}

type cmdError struct {
	err    error
	stderr string
}

func (e *cmdError) Error() string { return e.err.Error() + ": " + e.stderr }

// UniqueName is a repository name no other test uses ("berthtest-<hex>").
func UniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "berthtest-" + prefix + "-" + hex.EncodeToString(b)
}

// Build builds a FROM scratch image with one layer per entry of layers
// (each a file of that many bytes of random base64 text, compressible as
// real files are), tags it ref and removes it when the test ends. It
// returns the image ID ("sha256:…", the config digest).
func (d *Docker) Build(ref string, layers ...int) string {
	d.t.Helper()
	dir := d.t.TempDir()
	df := "FROM scratch\n"
	for i, size := range layers {
		name := "layer" + string(rune('a'+i)) + ".txt"
		if err := os.WriteFile(filepath.Join(dir, name), randomText(size), 0o644); err != nil {
			d.t.Fatal(err)
		}
		df += "COPY " + name + " /" + name + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		d.t.Fatal(err)
	}
	d.removeAtEnd(ref)
	d.Run("build", "-q", "-t", ref, dir)
	return d.ImageID(ref)
}

// Tag tags src as dst and removes dst when the test ends.
func (d *Docker) Tag(src, dst string) {
	d.t.Helper()
	d.removeAtEnd(dst)
	d.Run("tag", src, dst)
}

// ImageID is the ID ("sha256:…") of a local image.
func (d *Docker) ImageID(ref string) string {
	d.t.Helper()
	return strings.TrimSpace(d.Run("image", "inspect", "--format", "{{.Id}}", ref))
}

var pushedDigest = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64}) size: \d+`)

// Push runs `docker push ref` and returns the manifest digest it prints.
func (d *Docker) Push(ref string) string {
	d.t.Helper()
	out := d.Run("push", ref)
	m := pushedDigest.FindStringSubmatch(out)
	if m == nil {
		d.t.Fatalf("docker push %s printed no digest:\n%s", ref, out)
	}
	return m[1]
}

// Pull runs `docker pull ref`, removes the pulled image when the test ends
// and returns its image ID.
func (d *Docker) Pull(ref string) string {
	d.t.Helper()
	d.removeAtEnd(ref)
	d.Run("pull", "-q", ref)
	return d.ImageID(ref)
}

// Remove removes images now (all given names; missing ones are ignored).
func (d *Docker) Remove(refs ...string) {
	d.t.Helper()
	for _, r := range refs {
		_, _ = d.Try("rmi", "-f", r)
	}
}

func (d *Docker) removeAtEnd(ref string) {
	d.t.Cleanup(func() { _, _ = d.Try("rmi", "-f", ref) })
}

func randomText(n int) []byte {
	raw := make([]byte, n*3/4+3)
	_, _ = rand.Read(raw)
	return []byte(base64.StdEncoding.EncodeToString(raw))[:n]
}
