package deployer

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
)

// hookRuns maps each stored hook of a revision (named without the release
// name) to its last run's phase and
// whether it has start and completion times (the times themselves differ).
func hookRuns(t *testing.T, d *Deployer, env *testcluster.Env, release string, v int) map[string]string {
	t.Helper()
	m := rawRelease(t, d, env.Namespace, release, v)
	hooks, _ := m["hooks"].([]any)
	out := map[string]string{}
	for _, h := range hooks {
		hm := h.(map[string]any)
		run, _ := hm["last_run"].(map[string]any)
		name, _ := hm["name"].(string)
		kind, _ := hm["kind"].(string)
		phase, _ := run["phase"].(string)
		started, _ := run["started_at"].(string)
		completed, _ := run["completed_at"].(string)
		out[kind+"/"+strings.TrimPrefix(name, release)] = phase + " started=" + boolWord(started != "") + " completed=" + boolWord(completed != "")
	}
	return out
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// After a rollback the stored hooks carry the target revision's last runs,
// as helm writes them.
func TestRollbackHookRunsMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	const byHelm, byBerth = "hk-helm", "hk-berth"
	tgt := Target{Name: byBerth, Namespace: env.Namespace}
	src := source(t, d, "demo")
	on := map[string]any{"hooks": map[string]any{"enabled": true}}
	mustHelm(t, env, "install", byHelm, demoChart(), "--set", "hooks.enabled=true")
	if _, err := d.Install(ctx, InstallOptions{Target: tgt, Source: src, Values: on}); err != nil {
		t.Fatal(err)
	}
	mustHelm(t, env, "upgrade", byHelm, demoChart(), "--set", "hooks.enabled=true", "--set", "x=1")
	if _, err := d.Upgrade(ctx, UpgradeOptions{Target: tgt, Source: src,
		Values: map[string]any{"hooks": map[string]any{"enabled": true}, "x": 1}}); err != nil {
		t.Fatal(err)
	}
	mustHelm(t, env, "rollback", byHelm, "1")
	if _, err := d.Rollback(ctx, RollbackOptions{Target: tgt, Revision: 1}); err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 3; v++ {
		h, b := hookRuns(t, d, env, byHelm, v), hookRuns(t, d, env, byBerth, v)
		if len(h) == 0 {
			t.Fatalf("helm's revision %d has no hooks", v)
		}
		if !reflect.DeepEqual(h, b) {
			t.Errorf("revision %d hook runs:\nhelm:  %v\nberth: %v", v, h, b)
		}
	}
}
