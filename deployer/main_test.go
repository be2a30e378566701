package deployer

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

func TestMain(m *testing.M) {
	if stateTestsOnly() {
		os.Exit(m.Run())
	}
	testcluster.Main(m)
}

// stateTestsOnly reports whether -run selects only the in-memory
// state-machine tests (TestState…, state_test.go), which need no control
// plane and then run in milliseconds. A test that needs one still fails
// loudly in testcluster.NewEnv.
func stateTestsOnly() bool {
	flag.Parse()
	f := flag.Lookup("test.run")
	if f == nil || f.Value.String() == "" {
		return false
	}
	for _, alt := range strings.Split(f.Value.String(), "|") {
		if !strings.HasPrefix(strings.TrimPrefix(alt, "^"), "TestState") {
			return false
		}
	}
	return true
}

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
