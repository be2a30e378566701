package deployer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/testcluster"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func hookByName(rel *Release, name string) *Hook {
	for _, h := range rel.Hooks {
		if h.Name == name {
			return h
		}
	}
	return nil
}

func TestHooksOrderPoliciesAndFailure(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	hooksOn := map[string]any{"hooks": map[string]any{"enabled": true}}
	rel := install(t, d, env, "h", "demo", hooksOn)

	a, b := hookByName(rel, "h-hook-a"), hookByName(rel, "h-hook-b")
	if a == nil || b == nil || a.LastRun.Phase != HookPhaseSucceeded || b.LastRun.Phase != HookPhaseSucceeded {
		t.Fatalf("install hooks not recorded as succeeded: %+v %+v", a, b)
	}
	if !b.LastRun.StartedAt.Before(a.LastRun.StartedAt.Time) {
		t.Errorf("weight -5 hook started at %v, after weight 5 hook at %v", b.LastRun.StartedAt, a.LastRun.StartedAt)
	}
	if m := hookByName(rel, "h-migrate"); m.LastRun.Phase != "" {
		t.Errorf("pre-upgrade hook ran on install: %+v", m.LastRun)
	}
	// hook-succeeded deletes b; a has the default before-hook-creation and stays.
	cms := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace)
	if _, err := cms.Get(ctx, "h-hook-b", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("hook-succeeded hook still exists: %v", err)
	}
	if _, err := cms.Get(ctx, "h-hook-a", metav1.GetOptions{}); err != nil {
		t.Errorf("hook without delete policy is gone: %v", err)
	}
	// The stored release (not just the in-memory one) has the hook state.
	stored, err := d.Store.Get(ctx, env.Namespace, "h", 1)
	if err != nil {
		t.Fatal(err)
	}
	if hookByName(stored, "h-hook-a").LastRun.Phase != HookPhaseSucceeded || hookByName(stored, "h-hook-a").LastRun.CompletedAt.IsZero() {
		t.Errorf("stored hook state: %+v", hookByName(stored, "h-hook-a").LastRun)
	}

	res := upgrade(t, d, env, "h", "demo", map[string]any{"hooks": map[string]any{"enabled": true}, "message": "2"})
	m := hookByName(res.Release, "h-migrate")
	if m.LastRun.Phase != HookPhaseSucceeded || !m.LastRun.StartedAt.After(hookByName(res.Release, "h-hook-b").LastRun.StartedAt.Time) {
		t.Errorf("pre-upgrade Job hook: %+v", m.LastRun)
	}

	// A pre-upgrade hook that never completes fails the upgrade before any
	// object is touched; the previous revision stays deployed.
	opts := upgradeOpts(t, d, env, "h", "demo", map[string]any{"replicas": 1, "hooks": map[string]any{"enabled": true, "failPreUpgrade": true}})
	opts.Wait.Timeout = 4 * time.Second
	_, err = d.Upgrade(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pre-upgrade hook h-migrate failed") {
		t.Fatalf("error = %v", err)
	}
	h := wantHistory(t, d, env, "h", StatusSuperseded, StatusDeployed, StatusFailed)
	if !strings.HasPrefix(h[2].Info.Description, `Upgrade "h" failed: pre-upgrade hook h-migrate failed`) {
		t.Errorf("description = %q", h[2].Info.Description)
	}
	if hookByName(h[2], "h-migrate").LastRun.Phase != HookPhaseFailed {
		t.Errorf("failed hook recorded as %+v", hookByName(h[2], "h-migrate").LastRun)
	}
	if got := replicas(t, d.Kube, env.Namespace, "h"); got != 3 {
		t.Errorf("replicas = %d after failed pre-upgrade hook, want 3", got)
	}
}

func TestRunTestsRecordsResults(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "t", "demo", map[string]any{"hooks": map[string]any{"enabled": true}})
	rel, err := d.RunTests(ctx, TestOptions{Target: Target{Name: "t", Namespace: env.Namespace}, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := d.Store.Get(ctx, env.Namespace, "t", rel.Version)
	if err != nil {
		t.Fatal(err)
	}
	if p := hookByName(stored, "t-test").LastRun.Phase; p != HookPhaseSucceeded {
		t.Errorf("test hook phase = %q", p)
	}
}

func TestNoHooks(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	_, err := d.Install(ctx, InstallOptions{Target: Target{Name: "nh", Namespace: env.Namespace}, Source: source(t, d, "demo"),
		Values: map[string]any{"hooks": map[string]any{"enabled": true}}, Options: Options{NoHooks: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "nh-hook-a", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("hook ran despite NoHooks: %v", err)
	}
	if _, err := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "nh-config", metav1.GetOptions{}); err != nil {
		t.Errorf("release objects not applied: %v", err)
	}
}
