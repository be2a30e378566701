package deployer

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// rawRelease reads a revision's stored JSON without berth's model.
func rawRelease(t *testing.T, d *Deployer, ns, name string, v int) map[string]any {
	t.Helper()
	sec, err := d.Kube.Core.CoreV1().Secrets(ns).Get(context.Background(), SecretName(name, v), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := decodeReleaseJSON(sec.Data[releaseKey])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	mustJSON(t, js, &m)
	return m
}

// revisionIndependent drops what legitimately differs between two revisions
// of the same chart and values: revision, times, status, notes, hook runs.
func revisionIndependent(m map[string]any) map[string]any {
	delete(m, "version")
	delete(m, "info")
	hooks, _ := m["hooks"].([]any)
	for _, h := range hooks {
		delete(h.(map[string]any), "last_run")
	}
	return m
}

// berth installs; helm reads, upgrades and rolls back the release; berth
// upgrades it again; helm uninstalls it.
func TestInteropBerthInstallsHelmManages(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	vals := map[string]any{"message": "one", "hooks": map[string]any{"enabled": true}}
	rel := install(t, d, env, "web", "demo", vals)

	var list []map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "list", "-o", "json")), &list)
	if len(list) != 1 || list[0]["name"] != "web" || list[0]["revision"] != "1" || list[0]["status"] != "deployed" || list[0]["chart"] != "demo-0.1.0" {
		t.Fatalf("helm list = %v", list)
	}
	var got map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "get", "values", "web", "-o", "json")), &got)
	if !reflect.DeepEqual(got, map[string]any{"message": "one", "hooks": map[string]any{"enabled": true}}) {
		t.Errorf("helm get values = %v", got)
	}
	if m := mustHelm(t, env, "get", "manifest", "web"); strings.TrimSpace(m) != strings.TrimSpace(rel.Manifest) {
		t.Errorf("helm get manifest:\n%s\nberth stored:\n%s", m, rel.Manifest)
	}
	if s := mustHelm(t, env, "status", "web"); !strings.Contains(s, "STATUS: deployed") || !strings.Contains(s, "demo web revision 1") {
		t.Errorf("helm status:\n%s", s)
	}

	// helm upgrading with the same values must store what berth stored.
	mustHelm(t, env, "upgrade", "web", demoChart(), "--set", "message=one,hooks.enabled=true", "--wait")
	b, h := revisionIndependent(rawRelease(t, d, env.Namespace, "web", 1)), revisionIndependent(rawRelease(t, d, env.Namespace, "web", 2))
	if !reflect.DeepEqual(b, h) {
		bj, _ := json.MarshalIndent(b, "", " ")
		hj, _ := json.MarshalIndent(h, "", " ")
		t.Errorf("berth's revision differs from helm's for the same chart and values\nberth: %s\nhelm:  %s", bj, hj)
	}
	mustHelm(t, env, "rollback", "web", "1", "--wait")
	res := upgrade(t, d, env, "web", "demo", map[string]any{"message": "four"})
	if res.Release.Version != 4 {
		t.Errorf("berth upgrade after helm made revision %d", res.Release.Version)
	}
	var hist []map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "history", "web", "-o", "json")), &hist)
	var descs []string
	for _, r := range hist {
		descs = append(descs, r["status"].(string)+":"+r["description"].(string))
	}
	want := []string{"superseded:Install complete", "superseded:Upgrade complete", "superseded:Rollback to 1", "deployed:Upgrade complete"}
	if !reflect.DeepEqual(descs, want) {
		t.Errorf("helm history = %v, want %v", descs, want)
	}
	mustHelm(t, env, "uninstall", "web", "--wait")
	if _, err := d.Kube.Core.AppsV1().Deployments(env.Namespace).Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("helm uninstall left the Deployment: %v", err)
	}
}

// helm installs; berth upgrades, rolls back and uninstalls; helm follows.
func TestInteropHelmInstallsBerthManages(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	mustHelm(t, env, "install", "web", demoChart(), "--set", "replicas=2", "--wait")

	res := upgrade(t, d, env, "web", "demo", map[string]any{"replicas": 2, "message": "berth"})
	wantActions(t, res.Changes, map[string]Action{"ConfigMap/web-config": ActionConfigured, "Service/web": ActionUnchanged, "Deployment/web": ActionConfigured})
	cm, err := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "web-config", metav1.GetOptions{})
	if err != nil || cm.Data["message"] != "berth" {
		t.Fatalf("configmap after berth upgrade: %v %v", cm.Data, err)
	}
	rollback(t, d, env, "web", 1)
	if cm, _ := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "web-config", metav1.GetOptions{}); cm.Data["message"] != "hello" {
		t.Errorf("configmap after rollback: %v", cm.Data)
	}
	var hist []map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "history", "web", "-o", "json")), &hist)
	if len(hist) != 3 || hist[2]["description"] != "Rollback to 1" || hist[2]["status"] != "deployed" || hist[1]["status"] != "superseded" {
		t.Errorf("helm history = %v", hist)
	}
	mustHelm(t, env, "upgrade", "web", demoChart(), "--set", "replicas=1", "--wait")
	if got := replicas(t, d.Kube, env.Namespace, "web"); got != 1 {
		t.Errorf("replicas after helm upgrade = %d", got)
	}
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: Target{Name: "web", Namespace: env.Namespace}}); err != nil {
		t.Fatal(err)
	}
	if out := mustHelm(t, env, "list", "-a", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("helm list after berth uninstall: %q", out)
	}
	if _, err := d.Kube.Core.AppsV1().Deployments(env.Namespace).Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("berth uninstall left the Deployment: %v", err)
	}
}
