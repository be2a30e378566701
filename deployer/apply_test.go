package deployer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

func newKube(t *testing.T, env *testcluster.Env) *Kube {
	t.Helper()
	k, err := NewKube(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func docs(ds ...string) []Manifest {
	var out []Manifest
	for i, d := range ds {
		out = append(out, Manifest{Source: fmt.Sprintf("test/templates/%d.yaml", i), Content: d})
	}
	return out
}

func deploymentDoc(name string, replicas int) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
spec:
  replicas: %[2]d
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      containers:
        - name: c
          image: example.com/c:1
`, name, replicas)
}

func configMapDoc(name, extra string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n%sdata:\n  k: v\n", name, extra)
}

func build(t *testing.T, k *Kube, ns string, ms []Manifest) []*Object {
	t.Helper()
	objs, err := k.Build(ms, ns)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func wantActions(t *testing.T, cs *ChangeSet, want map[string]Action) {
	t.Helper()
	got := map[string]Action{}
	for _, e := range cs.Entries {
		got[e.Kind+"/"+e.Name] = e.Action
	}
	for k, a := range want {
		if got[k] != a {
			t.Errorf("%s: action %q, want %q (changes:\n%s)", k, got[k], a, cs)
		}
	}
	if len(got) != len(want) {
		t.Errorf("changes:\n%swant %v", cs, want)
	}
}

func TestApplyLifecycleAndDrift(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	k := newKube(t, env)
	opts := ApplyOptions{Release: "r", Namespace: env.Namespace, Verb: "install"}
	keepAnno := "  annotations:\n    helm.sh/resource-policy: keep\n"
	v1 := docs(deploymentDoc("web", 3), configMapDoc("a", ""), configMapDoc("kept", keepAnno))

	cs, err := k.Apply(ctx, nil, build(t, k, env.Namespace, v1), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, cs, map[string]Action{"Deployment/web": ActionCreated, "ConfigMap/a": ActionCreated, "ConfigMap/kept": ActionCreated})
	if cs.Entries[0].Kind != "ConfigMap" || cs.Entries[2].Kind != "Deployment" {
		t.Errorf("not in install order:\n%s", cs)
	}
	dep, err := k.Core.AppsV1().Deployments(env.Namespace).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if dep.Labels[managedByLabel] != "Helm" || dep.Annotations[releaseNameAnnotation] != "r" || dep.Annotations[releaseNSAnnotation] != env.Namespace {
		t.Errorf("ownership metadata: %v %v", dep.Labels, dep.Annotations)
	}

	opts.Verb = "update"
	cs, err = k.Apply(ctx, build(t, k, env.Namespace, v1), build(t, k, env.Namespace, v1), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, cs, map[string]Action{"Deployment/web": ActionUnchanged, "ConfigMap/a": ActionUnchanged, "ConfigMap/kept": ActionUnchanged})

	// Drift behind berth's back is corrected by an unchanged manifest.
	scale(t, k, env.Namespace, "web", 0)
	cs, err = k.Apply(ctx, build(t, k, env.Namespace, v1), build(t, k, env.Namespace, v1), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, cs, map[string]Action{"Deployment/web": ActionConfigured, "ConfigMap/a": ActionUnchanged, "ConfigMap/kept": ActionUnchanged})
	if got := replicas(t, k, env.Namespace, "web"); got != 3 {
		t.Errorf("replicas after drift correction = %d, want 3", got)
	}

	v2 := docs(deploymentDoc("web", 2))
	cs, err = k.Apply(ctx, build(t, k, env.Namespace, v1), build(t, k, env.Namespace, v2), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, cs, map[string]Action{"Deployment/web": ActionConfigured, "ConfigMap/a": ActionDeleted, "ConfigMap/kept": ActionSkipped})
	if _, err := k.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "kept", metav1.GetOptions{}); err != nil {
		t.Errorf("kept ConfigMap: %v", err)
	}
	if _, err := k.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "a", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("dropped ConfigMap still there: %v", err)
	}
}

func TestApplyCustomResourceDrift(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	k := newKube(t, env)
	if _, err := k.InstallCRDs(ctx, readCRDs(t, "widget")); err != nil {
		t.Fatal(err)
	}
	widget := docs("apiVersion: test.berth.dev/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n  color: blue\n")
	opts := ApplyOptions{Release: "r", Namespace: env.Namespace, Verb: "install"}
	if _, err := k.Apply(ctx, nil, build(t, k, env.Namespace, widget), opts); err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: "test.berth.dev", Version: "v1", Resource: "widgets"}
	_, err := k.Dynamic.Resource(gvr).Namespace(env.Namespace).Patch(ctx, "w", types.MergePatchType, []byte(`{"spec":{"size":9}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := k.Apply(ctx, build(t, k, env.Namespace, widget), build(t, k, env.Namespace, widget), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, cs, map[string]Action{"Widget/w": ActionConfigured})
	u, err := k.Dynamic.Resource(gvr).Namespace(env.Namespace).Get(ctx, "w", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if size := u.Object["spec"].(map[string]any)["size"]; size != int64(3) {
		t.Errorf("spec.size after drift correction = %v, want 3", size)
	}
}

func TestApplyRefusesForeignObjectsBeforeWriting(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	k := newKube(t, env)
	if _, err := k.Apply(ctx, nil, build(t, k, env.Namespace, docs(configMapDoc("taken", ""))), ApplyOptions{Release: "other", Namespace: env.Namespace, Verb: "install"}); err != nil {
		t.Fatal(err)
	}
	target := docs(configMapDoc("fresh", ""), configMapDoc("taken", ""), deploymentDoc("web", 1))
	opts := ApplyOptions{Release: "mine", Namespace: env.Namespace, Verb: "install"}
	_, err := k.Apply(ctx, nil, build(t, k, env.Namespace, target), opts)
	want := `Unable to continue with install: ConfigMap "taken" in namespace "` + env.Namespace + `" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "mine": current value is "other"`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant %s", err, want)
	}
	if _, err := k.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "fresh", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("an object was created before the ownership check failed: %v", err)
	}
	opts.TakeOwnership = true
	cs, err := k.Apply(ctx, nil, build(t, k, env.Namespace, target), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, cs, map[string]Action{"ConfigMap/fresh": ActionCreated, "ConfigMap/taken": ActionConfigured, "Deployment/web": ActionCreated})
}

func TestBuildRejectsInvalidManifests(t *testing.T) {
	env := testcluster.NewEnv(t)
	k := newKube(t, env)
	for name, tc := range map[string]struct{ doc, want string }{
		"unknown field": {strings.Replace(deploymentDoc("a", 1), "replicas:", "replicaz:", 1), `unknown field "spec.replicaz"`},
		"wrong type":    {strings.Replace(deploymentDoc("a", 1), "replicas: 1", "replicas: three", 1), "replicas"},
		"unknown kind":  {"apiVersion: nope.example/v1\nkind: Nope\nmetadata:\n  name: x\n", `no matches for kind "Nope" in version "nope.example/v1"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := k.Build(docs(configMapDoc("ok", ""), tc.doc), env.Namespace)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "test/templates/1.yaml") {
				t.Fatalf("error = %v, want it to mention %q and the source file", err, tc.want)
			}
		})
	}
}

func scale(t *testing.T, k *Kube, ns, name string, n int) {
	t.Helper()
	p := fmt.Sprintf(`{"spec":{"replicas":%d}}`, n)
	if _, err := k.Core.AppsV1().Deployments(ns).Patch(context.Background(), name, types.MergePatchType, []byte(p), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

func replicas(t *testing.T, k *Kube, ns, name string) int32 {
	t.Helper()
	d, err := k.Core.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return *d.Spec.Replicas
}

// Uninstall leaves alone an object another release has since adopted.
func TestUninstallSkipsObjectsOwnedByAnotherRelease(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "one", "demo", nil)
	// Release "two" takes over one-config.
	two := docs(configMapDoc("one-config", ""))
	if _, err := d.Kube.Apply(ctx, nil, build(t, d.Kube, env.Namespace, two), ApplyOptions{Release: "two", Namespace: env.Namespace, Verb: "install", TakeOwnership: true}); err != nil {
		t.Fatal(err)
	}
	res, err := d.Uninstall(ctx, UninstallOptions{Target: Target{Name: "one", Namespace: env.Namespace}})
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, res.Changes, map[string]Action{"Deployment/one": ActionDeleted, "Service/one": ActionDeleted, "ConfigMap/one-config": ActionSkipped})
	if _, err := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "one-config", metav1.GetOptions{}); err != nil {
		t.Errorf("adopted ConfigMap was deleted: %v", err)
	}
}
