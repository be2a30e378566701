package deployer_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// TestCLIForceMatchesHelm: install, upgrade and rollback --force replace
// objects as the oracle does, release "bforce" by berth next to "hforce"
// by helm. Drift made by another client (a label and an annotation, a
// scaled Deployment the chart sets no replicas for) survives a plain
// upgrade's three-way patch and is reset by --force; the API server keeps
// a Service's allocated clusterIP; a replace the server refuses (a changed
// Deployment selector) fails the upgrade without deleting the object.
// After every step the live objects of both releases are the same.
func TestCLIForceMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	cs := env.Cluster.Clientset()
	chart := filepath.Join("testdata", "replace")
	run := func(who string, args ...string) (string, error) {
		t.Helper()
		name := who + "force"
		for i, a := range args {
			args[i] = strings.NewReplacer("NAME", name, "ADOPT", who+"adopt").Replace(a)
		}
		if who == "b" {
			out, errOut, code := berth(t, env, args...)
			if code != 0 {
				return out + errOut, errString(out + errOut)
			}
			return out, nil
		}
		if slices.Contains(args, "--force") {
			// helm's replace does not retry a conflict with the
			// controller's status writes (berth's does): let the
			// Deployment settle first so the oracle answers for --force.
			settle(t, cs, env.Namespace, name)
		}
		out, err := tools.NewHelm(t).Command(append(args, "--kubeconfig", env.Kubeconfig)...).CombinedOutput()
		return string(out), err
	}
	both := func(args ...string) {
		t.Helper()
		for _, who := range []string{"b", "h"} {
			if out, err := run(who, slices.Clone(args)...); err != nil {
				t.Fatalf("%s %v: %v\n%s", who, args, err, out)
			}
		}
	}
	same := func(step string, wantDrift bool) {
		t.Helper()
		b, h := liveState(t, cs, env.Namespace, "bforce"), liveState(t, cs, env.Namespace, "hforce")
		if b != h {
			t.Fatalf("%s: live objects differ\nberth: %s\nhelm:  %s", step, b, h)
		}
		if got := strings.Contains(b, `"drift":"yes"`); got != wantDrift {
			t.Fatalf("%s: drift kept = %v, want %v\n%s", step, got, wantDrift, b)
		}
	}

	both("install", "NAME", chart)
	ips := map[string]string{}
	for _, who := range []string{"b", "h"} {
		drift(t, cs, env.Namespace, who+"force")
		ips[who] = clusterIP(t, cs, env.Namespace, who+"force")
	}
	both("upgrade", "NAME", chart, "--set", "message=two")
	same("upgrade (three-way patch)", true)
	both("upgrade", "NAME", chart, "--set", "message=three", "--force")
	same("upgrade --force", false)
	for who, ip := range ips {
		if now := clusterIP(t, cs, env.Namespace, who+"force"); now != ip || ip == "" {
			t.Errorf("%s: clusterIP %q became %q after --force", who, ip, now)
		}
	}

	for _, who := range []string{"b", "h"} {
		drift(t, cs, env.Namespace, who+"force")
	}
	both("rollback", "NAME", "1", "--force")
	same("rollback --force", false)

	// A replace the API server refuses fails; nothing is deleted and made
	// again (same UID), in both.
	uids := map[string]types.UID{}
	for _, who := range []string{"b", "h"} {
		d, err := cs.AppsV1().Deployments(env.Namespace).Get(context.Background(), who+"force", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		uids[who] = d.UID
		out, err := run(who, "upgrade", "NAME", chart, "--set", "tier=api", "--force")
		if err == nil || !strings.Contains(out, "failed to replace object") || !strings.Contains(out, "field is immutable") {
			t.Errorf("%s: upgrade --force of an immutable field: %v\n%s", who, err, out)
		}
		d, err = cs.AppsV1().Deployments(env.Namespace).Get(context.Background(), who+"force", metav1.GetOptions{})
		if err != nil || d.UID != uids[who] || d.Spec.Selector.MatchLabels["tier"] != "web" {
			t.Errorf("%s: after the refused replace the Deployment is %v (err %v), want the old one", who, d, err)
		}
	}
	same("refused replace", false)
	var bh, hh []map[string]any
	bOut, _ := run("b", "history", "NAME", "-o", "json")
	hOut, _ := run("h", "history", "NAME", "-o", "json")
	if json.Unmarshal([]byte(bOut), &bh) != nil || json.Unmarshal([]byte(hOut), &hh) != nil {
		t.Fatalf("history -o json:\n%s\n%s", bOut, hOut)
	}
	statuses := func(h []map[string]any) (out []string) {
		for _, r := range h {
			out = append(out, r["status"].(string))
		}
		return out
	}
	if b, h := statuses(bh), statuses(hh); !slices.Equal(b, h) {
		t.Errorf("history after the refused replace: berth %v, helm %v", b, h)
	}

	// install --force of objects that exist (adopted: they carry the
	// release's ownership metadata) replaces them too.
	for _, who := range []string{"b", "h"} {
		name := who + "adopt"
		cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{
			"name": name + "-cm", "labels": map[string]any{"app.kubernetes.io/managed-by": "Helm", "drift": "yes"},
			"annotations": map[string]any{"meta.helm.sh/release-name": name, "meta.helm.sh/release-namespace": env.Namespace}},
			"data": map[string]any{"message": "before", "other": "kept?"}}
		body, _ := json.Marshal(cm)
		if err := cs.CoreV1().RESTClient().Post().Namespace(env.Namespace).Resource("configmaps").
			Param("fieldManager", "drift-test").Body(body).Do(context.Background()).Error(); err != nil {
			t.Fatal(err)
		}
	}
	both("install", "ADOPT", chart, "--force")
	b, h := configMapState(t, cs, env.Namespace, "badopt"), configMapState(t, cs, env.Namespace, "hadopt")
	if b != strings.ReplaceAll(h, "hadopt", "badopt") || strings.Contains(b, `"drift":"yes"`) || strings.Contains(b, "kept?") {
		t.Errorf("install --force over an existing ConfigMap:\nberth %s\nhelm  %s", b, h)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// drift changes release name's objects as another client would: a label
// and an annotation on each, and the Deployment scaled to 3.
func drift(t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	ctx := context.Background()
	meta := []byte(`{"metadata":{"labels":{"drift":"yes"},"annotations":{"example.com/note":"by hand"}}}`)
	opts := metav1.PatchOptions{FieldManager: "drift-test"}
	if _, err := cs.CoreV1().ConfigMaps(ns).Patch(ctx, name+"-cm", types.MergePatchType, meta, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Services(ns).Patch(ctx, name, types.MergePatchType, meta, opts); err != nil {
		t.Fatal(err)
	}
	scaled := []byte(`{"metadata":{"labels":{"drift":"yes"}},"spec":{"replicas":3}}`)
	if _, err := cs.AppsV1().Deployments(ns).Patch(ctx, name, types.MergePatchType, scaled, opts); err != nil {
		t.Fatal(err)
	}
}

func clusterIP(t *testing.T, cs kubernetes.Interface, ns, name string) string {
	t.Helper()
	svc, err := cs.CoreV1().Services(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return svc.Spec.ClusterIP
}

// liveState is what a release's objects look like, as JSON with the
// release name spelled NAME: metadata the chart or others set, data and
// spec, and which managers own fields of the ConfigMap and Service. Left
// out: what the cluster assigns (clusterIP, the Deployment's revision
// annotation, status).
func liveState(t *testing.T, cs kubernetes.Interface, ns, name string) string {
	t.Helper()
	ctx := context.Background()
	svc, err := cs.CoreV1().Services(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dep, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc.Spec.ClusterIP, svc.Spec.ClusterIPs = "", nil
	delete(dep.Annotations, "deployment.kubernetes.io/revision")
	state := map[string]any{
		"configmap":  json.RawMessage(configMapState(t, cs, ns, name)),
		"service":    map[string]any{"labels": svc.Labels, "annotations": svc.Annotations, "spec": svc.Spec, "managers": managers(svc.ManagedFields)},
		"deployment": map[string]any{"labels": dep.Labels, "annotations": dep.Annotations, "spec": dep.Spec},
	}
	b, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), name, "NAME")
}

func configMapState(t *testing.T, cs kubernetes.Interface, ns, name string) string {
	t.Helper()
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(context.Background(), name+"-cm", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"labels": cm.Labels, "annotations": cm.Annotations, "data": cm.Data, "managers": managers(cm.ManagedFields)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// managers lists who owns fields and how ("helm/Update"), sorted.
func managers(mf []metav1.ManagedFieldsEntry) []string {
	var out []string
	for _, e := range mf {
		out = append(out, e.Manager+"/"+string(e.Operation))
	}
	slices.Sort(out)
	return out
}

// settle waits until the Deployment's resourceVersion has not changed for
// a second (at most 30 s): the controllers are done writing its status.
func settle(t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	last, since := "", time.Now()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return // not there (yet): nothing to settle
		}
		if d.ResourceVersion != last {
			last, since = d.ResourceVersion, time.Now()
		} else if time.Since(since) >= time.Second {
			return
		}
	}
}
