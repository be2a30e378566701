package oci

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// oracle runs the Helm v3.22.0 binary with a private home, so tests never
// read or write the user's Helm or Docker configuration.
type oracle struct {
	t    testing.TB
	bin  string
	env  []string
	home string
}

func newOracle(t testing.TB) *oracle {
	t.Helper()
	bin, err := tools.Path("helm")
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
	)
	return &oracle{t: t, bin: bin, env: env, home: home}
}

// run executes helm and returns stdout, failing the test on error.
func (o *oracle) run(stdin string, args ...string) string {
	o.t.Helper()
	out, err := o.try(stdin, args...)
	if err != nil {
		o.t.Fatalf("helm %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (o *oracle) try(stdin string, args ...string) (string, error) {
	cmd := exec.Command(o.bin, args...)
	cmd.Env = o.env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &helmError{err: err, stderr: stderr.String()}
	}
	return stdout.String(), nil
}

type helmError struct {
	err    error
	stderr string
}

func (e *helmError) Error() string { return e.err.Error() + ": " + strings.TrimSpace(e.stderr) }

// transportFlags are the flags helm needs to reach r.
func transportFlags(r *registrytest.Registry) []string {
	if r.PlainHTTP {
		return []string{"--plain-http"}
	}
	return []string{"--ca-file", r.CAFile}
}

// login logs helm in to r when r needs credentials.
func (o *oracle) login(r *registrytest.Registry) {
	o.t.Helper()
	if r.Username == "" {
		return
	}
	args := append([]string{"registry", "login", r.Host, "-u", r.Username, "--password-stdin"}, transportFlags(r)...)
	o.run(r.Password, args...)
}

// packageChart packages a shared chart with helm and returns the .tgz bytes.
func (o *oracle) packageChart(name string) []byte {
	o.t.Helper()
	dir, err := tools.ChartsDir()
	if err != nil {
		o.t.Fatal(err)
	}
	dest := o.t.TempDir()
	o.run("", "package", filepath.Join(dir, name), "-d", dest)
	files, _ := filepath.Glob(filepath.Join(dest, "*.tgz"))
	if len(files) != 1 {
		o.t.Fatalf("helm package %s wrote %v", name, files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		o.t.Fatal(err)
	}
	return b
}

// clientFor returns a berth client for r with a private cache.
func clientFor(t *testing.T, r *registrytest.Registry, user, pass string) *Client {
	t.Helper()
	opts := Options{PlainHTTP: r.PlainHTTP, CAFile: r.CAFile, Username: user, Password: pass,
		CacheDir: t.TempDir(), DockerConfig: filepath.Join(t.TempDir(), "config.json"),
		HelmRegistryConfig: filepath.Join(t.TempDir(), "none.json"), MinBackoff: 10e6}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func chartsDir(t *testing.T) (string, error) {
	t.Helper()
	return tools.ChartsDir()
}
