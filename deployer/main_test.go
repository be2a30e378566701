package deployer

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

func TestMain(m *testing.M) { testcluster.Main(m) }

// helmCLI runs the oracle against env's cluster and namespace.
func helmCLI(t *testing.T, env *testcluster.Env, args ...string) (string, error) {
	t.Helper()
	cmd := tools.NewHelm(t).Command(append(args, "--kubeconfig", env.Kubeconfig, "-n", env.Namespace)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustHelm(t *testing.T, env *testcluster.Env, args ...string) string {
	t.Helper()
	out, err := helmCLI(t, env, args...)
	if err != nil {
		t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func demoChart() string { return filepath.Join("testdata", "demo") }
