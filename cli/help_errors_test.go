package cli

import (
	"net"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestErrorHints provokes the common failures for real and checks that the
// error line is followed by one hint saying what to do.
func TestErrorHints(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	tlsReg := registrytest.Start(t, registrytest.TLS())

	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		hint string
	}{
		{"refused", []string{"versions", "oci://" + closed + "/charts/hello", "--plain-http"}, nil, "nothing listens at that address"},
		{"missing file", []string{"template", "web", filepath.Join(t.TempDir(), "nochart")}, nil, "check the path"},
		{"unknown CA", []string{"versions", "oci://" + tlsReg.Host + "/charts/hello"}, nil, "pass --ca-file"},
		{"no cluster", []string{"list"}, map[string]string{"KUBECONFIG": filepath.Join(t.TempDir(), "none"), "HOME": t.TempDir()},
			"set KUBECONFIG or pass --kubeconfig"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			code, _, errOut := runStdin(t, "", c.args...)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "Error: ") ||
				!strings.HasPrefix(lines[1], "Hint: ") || !strings.Contains(lines[1], c.hint) {
				t.Errorf("berth %s: exit %d, stderr:\n%s\nwant an Error line and a Hint with %q", strings.Join(c.args, " "), code, errOut, c.hint)
			}
		})
	}
}
