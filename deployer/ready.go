package deployer

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// readiness says whether one live object is ready and, if not, why.
type readiness struct {
	ready  bool
	reason string
	err    error // permanent failure (a failed Job)
}

func notReady(format string, args ...any) readiness {
	return readiness{reason: fmt.Sprintf(format, args...)}
}

var isReady = readiness{ready: true}

// checkReady reads o and judges it by kind: Helm 3's rules for built-in
// kinds, plus custom resources, which Helm 3 never waits for.
func (k *Kube) checkReady(ctx context.Context, o *Object, waitJobs bool, statusful func(*Object) bool) readiness {
	u, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{})
	if err != nil {
		return notReady("%v", err)
	}
	if o.GroupVersionKind().Group == "apiextensions.k8s.io" && o.GetKind() == "CustomResourceDefinition" {
		if crdReady(u) {
			return isReady
		}
		return notReady("not established")
	}
	if !k.scheme.Recognizes(o.GroupVersionKind()) {
		return customReady(u, statusful(o))
	}
	switch o.GetKind() {
	case "Deployment":
		return k.deploymentRolloutReady(ctx, u)
	case "StatefulSet":
		return typed(u, &appsv1.StatefulSet{}, statefulSetReady)
	case "DaemonSet":
		return typed(u, &appsv1.DaemonSet{}, daemonSetReady)
	case "ReplicaSet":
		return typed(u, &appsv1.ReplicaSet{}, replicaSetReady)
	case "Pod":
		return typed(u, &corev1.Pod{}, podReady)
	case "PersistentVolumeClaim":
		return typed(u, &corev1.PersistentVolumeClaim{}, pvcReady)
	case "Service":
		return typed(u, &corev1.Service{}, serviceReady)
	case "Job":
		if waitJobs {
			return typed(u, &batchv1.Job{}, jobReady)
		}
	}
	return isReady
}

func typed[T any](u *unstructured.Unstructured, obj *T, check func(*T) readiness) readiness {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		return readiness{err: err}
	}
	return check(obj)
}

func deploymentReady(d *appsv1.Deployment) readiness {
	if d.Spec.Paused {
		return isReady
	}
	if d.Status.ObservedGeneration < d.Generation {
		return notReady("spec update not yet observed")
	}
	want := deploymentReplicas(d)
	if d.Status.UpdatedReplicas < want {
		return notReady("%d of %d replicas updated", d.Status.UpdatedReplicas, want)
	}
	if int(d.Status.AvailableReplicas) < int(want)-maxUnavailable(d) {
		return notReady("%d of %d replicas available", d.Status.AvailableReplicas, want)
	}
	return isReady
}

func statefulSetReady(s *appsv1.StatefulSet) readiness {
	if s.Status.ObservedGeneration < s.Generation {
		return notReady("spec update not yet observed")
	}
	want := int32(1)
	if s.Spec.Replicas != nil {
		want = *s.Spec.Replicas
	}
	if s.Status.ReadyReplicas != want {
		return notReady("%d of %d replicas ready", s.Status.ReadyReplicas, want)
	}
	partition := int32(0)
	if ru := s.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
		partition = *ru.Partition
	}
	if s.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
		return isReady
	}
	if s.Status.UpdatedReplicas < want-partition {
		return notReady("%d of %d replicas updated", s.Status.UpdatedReplicas, want-partition)
	}
	// Without a partition every pod must run the update revision; counts
	// alone can match while old pods are still being replaced.
	if partition == 0 && s.Status.CurrentRevision != s.Status.UpdateRevision {
		return notReady("pods at revision %s, rolling out %s", s.Status.CurrentRevision, s.Status.UpdateRevision)
	}
	return isReady
}

func daemonSetReady(d *appsv1.DaemonSet) readiness {
	if d.Status.ObservedGeneration < d.Generation {
		return notReady("spec update not yet observed")
	}
	want := d.Status.DesiredNumberScheduled
	if d.Spec.UpdateStrategy.Type != appsv1.OnDeleteDaemonSetStrategyType && d.Status.UpdatedNumberScheduled < want {
		return notReady("%d of %d pods updated", d.Status.UpdatedNumberScheduled, want)
	}
	if d.Status.NumberReady < want {
		return notReady("%d of %d pods ready", d.Status.NumberReady, want)
	}
	return isReady
}

func replicaSetReady(r *appsv1.ReplicaSet) readiness {
	if r.Status.ObservedGeneration < r.Generation {
		return notReady("spec update not yet observed")
	}
	want := int32(1)
	if r.Spec.Replicas != nil {
		want = *r.Spec.Replicas
	}
	if r.Status.ReadyReplicas < want {
		return notReady("%d of %d replicas ready", r.Status.ReadyReplicas, want)
	}
	return isReady
}

func podReady(p *corev1.Pod) readiness {
	if p.Status.Phase == corev1.PodSucceeded {
		return isReady
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return isReady
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			return notReady("not scheduled: %s", c.Message)
		}
	}
	return notReady("phase %s", p.Status.Phase)
}

func pvcReady(p *corev1.PersistentVolumeClaim) readiness {
	if p.Status.Phase == corev1.ClaimBound {
		return isReady
	}
	return notReady("phase %s, not Bound", p.Status.Phase)
}

func serviceReady(s *corev1.Service) readiness {
	switch {
	case s.Spec.Type == corev1.ServiceTypeExternalName:
		return isReady
	case s.Spec.ClusterIP == "":
		return notReady("no cluster IP")
	case s.Spec.Type == corev1.ServiceTypeLoadBalancer && len(s.Spec.ExternalIPs) == 0 && len(s.Status.LoadBalancer.Ingress) == 0:
		return notReady("load balancer has no ingress")
	}
	return isReady
}

func jobReady(j *batchv1.Job) readiness {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
			return readiness{err: fmt.Errorf("job failed: %s", c.Reason)}
		}
		if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
			return isReady
		}
	}
	want := int32(1)
	if j.Spec.Completions != nil {
		want = *j.Spec.Completions
	}
	return notReady("%d of %d completions", j.Status.Succeeded, want)
}

// customReady judges a custom resource. A Ready condition must be True for
// the current generation. Resources whose CRD has a status subresource are
// not ready until their controller reports a status at all (Helm 4's
// kstatus waiter calls an empty status ready too early, helm#32066).
func customReady(u *unstructured.Unstructured, statusful bool) readiness {
	status, _, _ := unstructured.NestedMap(u.Object, "status")
	if len(status) == 0 {
		if statusful {
			return notReady("no status reported yet")
		}
		return isReady
	}
	if og, ok, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); ok && og < u.GetGeneration() {
		return notReady("generation %d not yet observed (at %d)", u.GetGeneration(), og)
	}
	raw, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, r := range raw {
		c, _ := r.(map[string]any)
		if c["type"] != "Ready" {
			continue
		}
		if og, ok := c["observedGeneration"].(int64); ok && og < u.GetGeneration() {
			return notReady("Ready condition is for generation %d", og)
		}
		if c["status"] == "True" {
			return isReady
		}
		return notReady("Ready=%v: %v", c["status"], c["message"])
	}
	return isReady
}
