package deployer

import (
	"context"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// The seed's scenario: drift behind berth's back is reverted both by a
// rollback and by an upgrade with unchanged values.
func TestDriftIsRevertedByRollbackAndNoopUpgrade(t *testing.T) {
	env := testcluster.NewEnv(t)
	d := newDeployer(t, env)
	install(t, d, env, "web", "demo", nil)
	upgrade(t, d, env, "web", "demo", map[string]any{"message": "two"})

	scale(t, d.Kube, env.Namespace, "web", 0)
	res := upgrade(t, d, env, "web", "demo", nil)
	if got := replicas(t, d.Kube, env.Namespace, "web"); got != 3 {
		t.Fatalf("replicas after no-op upgrade = %d, want 3", got)
	}
	wantActions(t, res.Changes, map[string]Action{"ConfigMap/web-config": ActionUnchanged, "Service/web": ActionUnchanged, "Deployment/web": ActionConfigured})
	if res.Release.Config["message"] != "two" {
		t.Errorf("values not reused: %v", res.Release.Config)
	}

	scale(t, d.Kube, env.Namespace, "web", 0)
	rollback(t, d, env, "web", 0)
	if got := replicas(t, d.Kube, env.Namespace, "web"); got != 3 {
		t.Fatalf("replicas after rollback = %d, want 3", got)
	}
	wantHistory(t, d, env, "web", StatusSuperseded, StatusSuperseded, StatusSuperseded, StatusDeployed)

	// A no-op upgrade of an undrifted release sends no patch at all.
	res = upgrade(t, d, env, "web", "demo", nil)
	if n := res.Changes.Count(ActionUnchanged); n != 3 {
		t.Errorf("no-op upgrade changes:\n%s", res.Changes)
	}
}

func TestDriftOnCustomResourceIsReverted(t *testing.T) {
	env := testcluster.NewEnv(t)
	d := newDeployer(t, env)
	ctx := context.Background()
	res, err := d.Install(ctx, InstallOptions{Target: Target{Name: "w", Namespace: env.Namespace}, Source: source(t, d, "widget")})
	if err != nil {
		t.Fatal(err)
	}
	_ = res
	gvr := schema.GroupVersionResource{Group: "test.berth.dev", Version: "v1", Resource: "widgets"}
	drift := func() {
		_, err := d.Kube.Dynamic.Resource(gvr).Namespace(env.Namespace).Patch(ctx, "w", types.MergePatchType, []byte(`{"spec":{"size":0,"color":"red"}}`), metav1.PatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		u, err := d.Kube.Dynamic.Resource(gvr).Namespace(env.Namespace).Get(ctx, "w", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		spec := u.Object["spec"].(map[string]any)
		if spec["size"] != int64(3) || spec["color"] != "blue" {
			t.Errorf("after %s: spec = %v, want size 3 color blue", when, spec)
		}
	}
	drift()
	if _, err := d.Upgrade(ctx, UpgradeOptions{Target: Target{Name: "w", Namespace: env.Namespace}, Source: source(t, d, "widget")}); err != nil {
		t.Fatal(err)
	}
	check("no-op upgrade")
	drift()
	if _, err := d.Rollback(ctx, RollbackOptions{Target: Target{Name: "w", Namespace: env.Namespace}}); err != nil {
		t.Fatal(err)
	}
	check("rollback")
}
