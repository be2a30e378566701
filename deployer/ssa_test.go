package deployer

import (
	"context"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestServerSideApply(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	tgt := Target{Name: "ssa", Namespace: env.Namespace}
	res, err := d.Install(ctx, InstallOptions{Target: tgt, Source: source(t, d, "demo"), Options: Options{Method: ApplyMethod{ServerSide: true}}})
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, res.Changes, map[string]Action{"ConfigMap/ssa-config": ActionCreated, "Service/ssa": ActionCreated, "Deployment/ssa": ActionCreated})
	if m := rawRelease(t, d, env.Namespace, "ssa", 1)["apply_method"]; m != "ssa" {
		t.Errorf("apply_method = %v", m)
	}
	dep, err := d.Kube.Core.AppsV1().Deployments(env.Namespace).Get(ctx, "ssa", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	applied := false
	for _, mf := range dep.ManagedFields {
		applied = applied || (mf.Manager == "helm" && mf.Operation == metav1.ManagedFieldsOperationApply)
	}
	if !applied {
		t.Errorf("no Apply entry for manager helm: %+v", dep.ManagedFields)
	}
	if out := mustHelm(t, env, "list", "-q"); out != "ssa\n" {
		t.Errorf("helm list = %q", out)
	}

	// Another manager takes .spec.replicas: the next upgrade (which stays
	// server-side because the release was) reports the conflict, and
	// --force-conflicts takes the field back.
	scale(t, d.Kube, env.Namespace, "ssa", 0)
	_, err = d.Upgrade(ctx, UpgradeOptions{Target: tgt, Source: source(t, d, "demo")})
	if err == nil || !strings.Contains(err.Error(), "conflict") {
		t.Fatalf("upgrade over a foreign field manager: %v", err)
	}
	res, err = d.Upgrade(ctx, UpgradeOptions{Target: tgt, Source: source(t, d, "demo"), Options: Options{Method: ApplyMethod{ForceConflicts: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := replicas(t, d.Kube, env.Namespace, "ssa"); got != 3 || res.Release.ApplyMethod != "ssa" {
		t.Errorf("replicas %d, apply_method %q after forced server-side upgrade", got, res.Release.ApplyMethod)
	}
	wantHistory(t, d, env, "ssa", StatusSuperseded, StatusFailed, StatusDeployed)
}
