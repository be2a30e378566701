package deployer

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// secretLabelKeys is the sorted label keys of a revision's Secret (values
// hold times and release names, which differ between the two tools).
func secretLabelKeys(t *testing.T, env *testcluster.Env, d *Deployer, name string, v int) []string {
	t.Helper()
	sec, err := d.Kube.Core.CoreV1().Secrets(env.Namespace).Get(context.Background(), SecretName(name, v), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range sec.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The release Secrets berth writes carry the labels helm writes for the
// same steps: install, upgrade (the previous revision superseded), rollback.
func TestSecretLabelsMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	const byHelm, byBerth = "lbl-helm", "lbl-berth"
	tgt := Target{Name: byBerth, Namespace: env.Namespace}
	src := source(t, d, "demo")
	compare := func(step string, versions ...int) {
		t.Helper()
		for _, v := range versions {
			h, b := secretLabelKeys(t, env, d, byHelm, v), secretLabelKeys(t, env, d, byBerth, v)
			if !reflect.DeepEqual(h, b) {
				t.Errorf("%s: revision %d labels: helm %v, berth %v", step, v, h, b)
			}
		}
	}
	mustHelm(t, env, "install", byHelm, demoChart())
	if _, err := d.Install(ctx, InstallOptions{Target: tgt, Source: src}); err != nil {
		t.Fatal(err)
	}
	compare("install", 1)
	mustHelm(t, env, "upgrade", byHelm, demoChart(), "--set", "x=1")
	if _, err := d.Upgrade(ctx, UpgradeOptions{Target: tgt, Source: src, Values: map[string]any{"x": 1}}); err != nil {
		t.Fatal(err)
	}
	compare("upgrade", 1, 2)
	mustHelm(t, env, "rollback", byHelm, "1")
	if _, err := d.Rollback(ctx, RollbackOptions{Target: tgt, Revision: 1}); err != nil {
		t.Fatal(err)
	}
	compare("rollback", 1, 2, 3)
}
