package deployer

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// The shared real charts install, upgrade and uninstall with --wait. The
// test cluster has no volume provisioner and no load balancer, so
// persistence is off and Services are ClusterIP.
func TestRealChartsWithWait(t *testing.T) {
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	for name, vals := range map[string]map[string]any{
		"prometheus": {
			"server":       map[string]any{"persistentVolume": map[string]any{"enabled": false}},
			"alertmanager": map[string]any{"persistence": map[string]any{"enabled": false}},
		},
		"wordpress": {
			"persistence":     map[string]any{"enabled": false},
			"service":         map[string]any{"type": "ClusterIP"},
			"resourcesPreset": "none", // test nodes declare no ephemeral-storage
			"mariadb": map[string]any{"primary": map[string]any{"persistence": map[string]any{"enabled": false},
				"resourcesPreset": "none"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := testcluster.NewEnv(t)
			ctx := context.Background()
			d := newDeployer(t, env)
			ch, err := chartfmt.Load(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			kv, err := d.Kube.ServerVersion()
			if err != nil {
				t.Fatal(err)
			}
			src := ChartSource(ch, kv, d.Kube)
			tgt := Target{Name: name, Namespace: env.Namespace}
			wait := WaitOptions{Wait: true, Timeout: 3 * time.Minute}
			start := time.Now()
			res, err := d.Install(ctx, InstallOptions{Target: tgt, Source: src, Values: vals, Options: Options{Wait: wait}})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("install: %d objects created in %v", res.Changes.Count(ActionCreated), time.Since(start).Round(time.Millisecond))
			start = time.Now()
			res, err = d.Upgrade(ctx, UpgradeOptions{Target: tgt, Source: src, Options: Options{Wait: wait}})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("no-op upgrade: %d unchanged, %d configured in %v", res.Changes.Count(ActionUnchanged), res.Changes.Count(ActionConfigured), time.Since(start).Round(time.Millisecond))
			if n := res.Changes.Count(ActionConfigured) + res.Changes.Count(ActionCreated); n != 0 {
				t.Errorf("no-op upgrade changed %d objects:\n%s", n, res.Changes)
			}
			// helm reads what berth wrote.
			if out := mustHelm(t, env, "status", name); !contains(out, "STATUS: deployed") {
				t.Errorf("helm status:\n%s", out)
			}
			res, err = d.Uninstall(ctx, UninstallOptions{Target: tgt, Options: Options{Wait: wait}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Changes.Count(ActionDeleted) == 0 {
				t.Errorf("uninstall deleted nothing")
			}
		})
	}
}
