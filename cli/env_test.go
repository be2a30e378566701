package cli

import (
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestRegistryFlagsFromEnvironment: BERTH_PLAIN_HTTP and the registry
// credentials work as their flags do, for CI jobs that set them once.
func TestRegistryFlagsFromEnvironment(t *testing.T) {
	r := registrytest.Start(t, registrytest.Htpasswd())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	chart, _ := filepath.Abs("../examples/hello")
	dest := "oci://" + r.Host + "/env"

	if code, _, errOut := runStdin(t, "", "push", chart, dest); code == 0 || !strings.Contains(errOut, "plain-http") {
		t.Fatalf("push over HTTPS to a plain-HTTP registry: exit %d, stderr %q; want advice to use --plain-http", code, errOut)
	}
	t.Setenv("BERTH_PLAIN_HTTP", "true")
	if code, _, errOut := runStdin(t, "", "push", chart, dest); code == 0 {
		t.Fatalf("push without credentials succeeded: %s", errOut)
	}
	t.Setenv("BERTH_REGISTRY_USERNAME", r.Username)
	t.Setenv("BERTH_REGISTRY_PASSWORD", r.Password)
	if code, out, errOut := runStdin(t, "", "push", chart, dest); code != 0 || !strings.Contains(out, "sha256:") {
		t.Fatalf("push with BERTH_PLAIN_HTTP and BERTH_REGISTRY_*: exit %d\n%s%s", code, out, errOut)
	}
}
