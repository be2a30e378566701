package deployer

import (
	"context"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestDiffShowsDriftAndChanges(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "df", "demo", nil)
	upgrade(t, d, env, "df", "demo", map[string]any{"message": "two"})

	diffs, err := d.DiffUpgrade(ctx, upgradeOpts(t, d, env, "df", "demo", nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 0 {
		t.Errorf("diff of an unchanged release: %+v", diffs)
	}

	scale(t, d.Kube, env.Namespace, "df", 0)
	diffs, err = d.DiffUpgrade(ctx, upgradeOpts(t, d, env, "df", "demo", map[string]any{"message": "three"}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, df := range diffs {
		got[df.Kind] = df.Diff
	}
	if len(diffs) != 2 || !strings.Contains(got["Deployment"], "-  replicas: 0\n+  replicas: 3\n") ||
		!strings.Contains(got["Deployment"], "+          value: three") || !strings.Contains(got["ConfigMap"], "+  message: three") {
		t.Errorf("diffs: %+v\n%s\n%s", diffs, got["Deployment"], got["ConfigMap"])
	}
	if replicas(t, d.Kube, env.Namespace, "df") != 0 {
		t.Errorf("diff changed the cluster")
	}
	wantHistory(t, d, env, "df", StatusSuperseded, StatusDeployed)

	diffs, err = d.DiffRollback(ctx, RollbackOptions{Target: Target{Name: "df", Namespace: env.Namespace}, Revision: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 2 || diffs[0].Kind != "ConfigMap" || !strings.Contains(diffs[0].Diff, "+  message: hello") {
		t.Errorf("rollback diffs: %+v", diffs)
	}
}

func TestDiffMasksSecretData(t *testing.T) {
	mk := func(data map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": "s"}, "data": data}}
	}
	before := mk(map[string]any{"same": "c2FtZQ==", "changed": "b2xk"})
	after := mk(map[string]any{"same": "c2FtZQ==", "changed": "bmV3", "added": "YWRk"})
	text, err := unifiedDiff(&Object{Unstructured: after}, before, after)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"c2FtZQ==", "b2xk", "bmV3", "YWRk"} {
		if strings.Contains(text, secret) {
			t.Errorf("diff shows secret value %s:\n%s", secret, text)
		}
	}
	for _, want := range []string{"-  changed: '*** (before)'", "+  changed: '*** (after)'", "+  added: '*** (after)'", "   same: '***'"} {
		if !strings.Contains(text, want) {
			t.Errorf("diff lacks %q:\n%s", want, text)
		}
	}
}
