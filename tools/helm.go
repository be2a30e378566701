package tools

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Helm runs the Helm v3.22.0 oracle with a private home, so tests never read
// or write the user's Helm, Docker or Kubernetes configuration.
type Helm struct {
	Bin  string
	Home string
	// Env is the environment every command gets; tests may append to it.
	Env []string
}

// NewHelm returns the oracle with a fresh home under t.TempDir, failing t
// when the binary has not been built.
func NewHelm(t testing.TB) *Helm {
	t.Helper()
	bin, err := Path("helm")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := append(os.Environ(),
		"HOME="+home,
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
		"HELM_REGISTRY_CONFIG="+filepath.Join(home, "registry.json"),
		"DOCKER_CONFIG="+filepath.Join(home, "docker"),
		"KUBECONFIG="+filepath.Join(home, "kubeconfig"),
	)
	return &Helm{Bin: bin, Home: home, Env: env}
}

// Command returns an unstarted helm command with the oracle's environment.
func (h *Helm) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(h.Bin, args...)
	cmd.Env = h.Env
	return cmd
}

// Run executes helm with stdin (may be nil) and returns its stdout; on
// failure the error carries helm's stderr.
func (h *Helm) Run(stdin io.Reader, args ...string) (string, error) {
	cmd := h.Command(args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &HelmError{Args: args, Err: err, Stderr: stderr.String()}
	}
	return stdout.String(), nil
}

// MustRun is Run that fails t on error.
func (h *Helm) MustRun(t testing.TB, args ...string) string {
	t.Helper()
	out, err := h.Run(nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// HelmError is a failed oracle run.
type HelmError struct {
	Args   []string
	Err    error
	Stderr string
}

func (e *HelmError) Error() string {
	return fmt.Sprintf("helm %s: %v: %s", strings.Join(e.Args, " "), e.Err, strings.TrimSpace(e.Stderr))
}

func (e *HelmError) Unwrap() error { return e.Err }
