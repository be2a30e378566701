package tools

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Cosign runs the cosign v2.6.5 oracle with a private home: its own
// DOCKER_CONFIG (credentials given to Login only), no TUF cache of the user,
// and SSL_CERT_FILE for a test registry's CA (cosign has no CA flag of its
// own; Go reads SSL_CERT_FILE for the system roots).
type Cosign struct {
	Bin  string
	Home string
	// Env is the environment every command gets; tests may append to it.
	Env []string
}

// NewCosign returns the oracle with a fresh home under t.TempDir, failing t
// when the binary has not been built. caFile (may be empty) is the CA that
// signed the registry's certificate.
func NewCosign(t testing.TB, caFile string) *Cosign {
	t.Helper()
	bin, err := Path("cosign")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := append(os.Environ(),
		"HOME="+home,
		"DOCKER_CONFIG="+filepath.Join(home, "docker"),
		"TUF_ROOT="+filepath.Join(home, "tuf"),
		"SIGSTORE_NO_CACHE=true",
	)
	if caFile != "" {
		env = append(env, "SSL_CERT_FILE="+caFile)
	}
	return &Cosign{Bin: bin, Home: home, Env: env}
}

// Login stores a basic-auth credential for host in the oracle's Docker
// config (what `cosign login` or `docker login` would write).
func (c *Cosign) Login(t testing.TB, host, user, pass string) {
	t.Helper()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	b, _ := json.Marshal(map[string]any{"auths": map[string]any{host: map[string]string{"auth": auth}}})
	dir := filepath.Join(c.Home, "docker")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Run executes cosign in dir (may be empty) with extra environment entries
// and returns its stdout; on failure the error carries cosign's stderr.
func (c *Cosign) Run(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command(c.Bin, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, c.Env...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("cosign %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
