package deployer_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// A rollout whose new pod never schedules must not pass --wait, even though
// the old ReplicaSet keeps the Deployment's available count at its replicas
// (RollingUpdate with one replica: maxUnavailable rounds down to 0). Helm 3
// judges the new ReplicaSet and fails; so must berth, and record it failed.
func TestWaitJudgesTheNewReplicaSet(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	stuck := []string{"--reuse-values", "--set", "nodeSelector.berth-test/no-such-node=nowhere", "--wait", "--timeout", "8s"}

	mustBerth(t, env, "install", "web", chart, "--set", "replicas=1", "--wait", "--timeout", "1m")
	out, errOut, code := berth(t, env, append([]string{"upgrade", "web", chart}, stuck...)...)
	if code == 0 {
		t.Fatalf("berth upgrade --wait of a rollout whose new pod stays Pending succeeded:\n%s%s", out, errOut)
	}
	if status := mustBerth(t, env, "status", "web"); !strings.Contains(status, "STATUS: failed") {
		t.Errorf("after the stuck rollout, status:\n%s", status)
	}

	// The oracle agrees on the same chart and the same change.
	helm(t, env, "install", "hweb", chart, "--set", "replicas=1", "--wait", "--timeout", "1m")
	cmd := tools.NewHelm(t).Command(append([]string{"upgrade", "hweb", chart, "--kubeconfig", env.Kubeconfig}, stuck...)...)
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("helm upgrade --wait succeeded, so this test no longer shows a rollout helm calls broken:\n%s", b)
	}
}
