package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// oracle is the Helm v3.22.0 binary with a private home (tools.Helm) plus
// the registry steps the oci tests repeat.
type oracle struct {
	*tools.Helm
	t    testing.TB
	home string
}

func newOracle(t testing.TB) *oracle {
	t.Helper()
	h := tools.NewHelm(t)
	return &oracle{Helm: h, t: t, home: h.Home}
}

// run executes helm and returns stdout, failing the test on error.
func (o *oracle) run(stdin string, args ...string) string {
	o.t.Helper()
	out, err := o.try(stdin, args...)
	if err != nil {
		o.t.Fatal(err)
	}
	return out
}

func (o *oracle) try(stdin string, args ...string) (string, error) {
	return o.Run(strings.NewReader(stdin), args...)
}

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
