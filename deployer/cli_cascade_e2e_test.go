package deployer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/berth-dev/berth/testcluster"
)

// TestCLIUninstallCascadeMatchesHelm: uninstall --cascade decides what
// becomes of a Deployment's ReplicaSet (made by kube-controller-manager,
// owned through an ownerReference), in berth as in the oracle. The
// ReplicaSet is held by a finalizer of the test's, so each policy shows:
// background deletes the Deployment at once and the ReplicaSet after;
// foreground keeps the Deployment (foregroundDeletion) until the
// ReplicaSet is gone; orphan deletes the Deployment and leaves the
// ReplicaSet and its Pods, its ownerReference removed.
func TestCLIUninstallCascadeMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	cs := env.Cluster.Clientset()
	ctx := context.Background()
	chart := filepath.Join("testdata", "demo")
	for _, cascade := range []string{"background", "foreground", "orphan"} {
		for _, who := range []string{"b", "h"} {
			name := fmt.Sprintf("%s-%s", who, cascade)
			args := []string{"install", name, chart, "--set", "replicas=1", "--wait", "--timeout", "2m"}
			if who == "b" {
				mustBerth(t, env, args...)
			} else {
				helm(t, env, args...)
			}
			rs := ownedReplicaSet(t, cs, env.Namespace, name)
			hold := []byte(`{"metadata":{"finalizers":["berth.test/hold"]}}`)
			if _, err := cs.AppsV1().ReplicaSets(env.Namespace).Patch(ctx, rs.Name, types.MergePatchType, hold, metav1.PatchOptions{}); err != nil {
				t.Fatal(err)
			}
			args = []string{"uninstall", name, "--cascade", cascade}
			if who == "b" {
				mustBerth(t, env, args...)
			} else {
				helm(t, env, args...)
			}
			settled := func(what string, ok func(dep *appsv1.Deployment, rs *appsv1.ReplicaSet) bool) {
				t.Helper()
				var dep *appsv1.Deployment
				var cur *appsv1.ReplicaSet
				for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
					dep, cur = getDeployment(t, cs, env.Namespace, name), getReplicaSet(t, cs, env.Namespace, rs.Name)
					if ok(dep, cur) {
						return
					}
				}
				t.Fatalf("%s --cascade %s: %s never happened; Deployment %+v, ReplicaSet %+v", name, cascade, what, meta(dep), meta(cur))
			}
			switch cascade {
			case "background":
				settled("Deployment gone, ReplicaSet being deleted", func(dep *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
					return dep == nil && rs != nil && rs.DeletionTimestamp != nil
				})
			case "foreground":
				settled("Deployment kept until its ReplicaSet is gone, ReplicaSet being deleted", func(dep *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
					return dep != nil && dep.DeletionTimestamp != nil && slices.Contains(dep.Finalizers, metav1.FinalizerDeleteDependents) &&
						rs != nil && rs.DeletionTimestamp != nil
				})
			case "orphan":
				settled("Deployment gone, ReplicaSet kept without its ownerReference", func(dep *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
					return dep == nil && rs != nil && rs.DeletionTimestamp == nil && len(rs.OwnerReferences) == 0
				})
				pods, err := cs.CoreV1().Pods(env.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
				if err != nil || len(pods.Items) == 0 {
					t.Errorf("%s --cascade orphan: the ReplicaSet's Pods are gone (%v)", name, err)
				}
			}
			release := []byte(`{"metadata":{"finalizers":null}}`)
			if _, err := cs.AppsV1().ReplicaSets(env.Namespace).Patch(ctx, rs.Name, types.MergePatchType, release, metav1.PatchOptions{}); err != nil {
				t.Fatal(err)
			}
			if cascade != "orphan" {
				settled("everything gone", func(dep *appsv1.Deployment, rs *appsv1.ReplicaSet) bool { return dep == nil && rs == nil })
			}
			secrets, err := cs.CoreV1().Secrets(env.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + name})
			if err != nil || len(secrets.Items) != 0 {
				t.Errorf("%s: release Secrets left after uninstall: %d (%v)", name, len(secrets.Items), err)
			}
		}
	}
	if _, errOut, code := berth(t, env, "uninstall", "x", "--cascade", "sideways"); code != 1 ||
		errOut != "Error: invalid cascade value (sideways). Must be \"background\", \"foreground\", or \"orphan\"\n" {
		t.Errorf("--cascade sideways: exit %d, %q", code, errOut)
	}
}

// ownedReplicaSet waits for the ReplicaSet the Deployment controller made.
func ownedReplicaSet(t *testing.T, cs kubernetes.Interface, ns, deployment string) *appsv1.ReplicaSet {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		list, err := cs.AppsV1().ReplicaSets(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, rs := range list.Items {
			for _, ref := range rs.OwnerReferences {
				if ref.Kind == "Deployment" && ref.Name == deployment {
					return &list.Items[i]
				}
			}
		}
	}
	t.Fatalf("no ReplicaSet owned by Deployment %s", deployment)
	return nil
}

func getDeployment(t *testing.T, cs kubernetes.Interface, ns, name string) *appsv1.Deployment {
	t.Helper()
	d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func getReplicaSet(t *testing.T, cs kubernetes.Interface, ns, name string) *appsv1.ReplicaSet {
	t.Helper()
	rs, err := cs.AppsV1().ReplicaSets(ns).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func meta(o metav1.Object) any {
	if o == nil || reflect.ValueOf(o).IsNil() {
		return nil
	}
	return map[string]any{"deletionTimestamp": o.GetDeletionTimestamp(), "finalizers": o.GetFinalizers(), "ownerReferences": o.GetOwnerReferences()}
}
