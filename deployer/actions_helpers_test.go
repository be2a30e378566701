package deployer

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/testcluster"
)

func newDeployer(t *testing.T, env *testcluster.Env) *Deployer {
	t.Helper()
	d, err := New(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func source(t *testing.T, d *Deployer, chart string) Source {
	t.Helper()
	ch, err := chartfmt.LoadDir(filepath.Join("testdata", chart))
	if err != nil {
		t.Fatal(err)
	}
	kv, err := d.Kube.ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	return ChartSource(ch, kv, nil)
}

func install(t *testing.T, d *Deployer, env *testcluster.Env, name, chart string, values map[string]any) *Release {
	t.Helper()
	res, err := d.Install(context.Background(), InstallOptions{
		Target: Target{Name: name, Namespace: env.Namespace}, Source: source(t, d, chart), Values: values,
		Options: Options{Wait: WaitOptions{Wait: true, Timeout: time.Minute}, Record: RecordOptions{MaxHistory: 10}},
	})
	if err != nil {
		t.Fatalf("install %s: %v", name, err)
	}
	return res.Release
}

func upgradeOpts(t *testing.T, d *Deployer, env *testcluster.Env, name, chart string, values map[string]any) UpgradeOptions {
	return UpgradeOptions{
		Target: Target{Name: name, Namespace: env.Namespace}, Source: source(t, d, chart), Values: values,
		Options: Options{Wait: WaitOptions{Wait: true, Timeout: time.Minute}, Record: RecordOptions{MaxHistory: 10}},
	}
}

func upgrade(t *testing.T, d *Deployer, env *testcluster.Env, name, chart string, values map[string]any) *Result {
	t.Helper()
	res, err := d.Upgrade(context.Background(), upgradeOpts(t, d, env, name, chart, values))
	if err != nil {
		t.Fatalf("upgrade %s: %v", name, err)
	}
	return res
}

func rollback(t *testing.T, d *Deployer, env *testcluster.Env, name string, rev int) *Result {
	t.Helper()
	res, err := d.Rollback(context.Background(), RollbackOptions{Target: Target{Name: name, Namespace: env.Namespace}, Revision: rev,
		Options: Options{Wait: WaitOptions{Wait: true, Timeout: time.Minute}}})
	if err != nil {
		t.Fatalf("rollback %s: %v", name, err)
	}
	return res
}

func wantHistory(t *testing.T, d *Deployer, env *testcluster.Env, name string, want ...Status) []*Release {
	t.Helper()
	h, err := d.History(context.Background(), Target{Name: name, Namespace: env.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	got := statuses(h)
	if len(got) != len(want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("history = %v, want %v", got, want)
		}
	}
	return h
}
