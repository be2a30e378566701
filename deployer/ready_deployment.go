package deployer

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// revisionAnnotation is where the Deployment controller numbers rollouts, on
// the Deployment and on the ReplicaSet of each revision.
const revisionAnnotation = "deployment.kubernetes.io/revision"

// deploymentRolloutReady judges a Deployment as Helm 3 does. The counts in
// its status can look ready while the old ReplicaSet still serves every
// replica and the new pods are Pending, so the ReplicaSet of the current
// revision must have enough ready pods of its own.
func (k *Kube) deploymentRolloutReady(ctx context.Context, u *unstructured.Unstructured) readiness {
	var d appsv1.Deployment
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &d); err != nil {
		return readiness{err: err}
	}
	if r := deploymentReady(&d); !r.ready || d.Spec.Paused {
		return r
	}
	rs, err := k.newReplicaSet(ctx, &d)
	if err != nil {
		return notReady("%v", err)
	}
	if rs == nil {
		return notReady("ReplicaSet of revision %s not created yet", d.Annotations[revisionAnnotation])
	}
	if need := int(deploymentReplicas(&d)) - maxUnavailable(&d); int(rs.Status.ReadyReplicas) < need {
		return notReady("%d of %d pods of the new ReplicaSet %s ready", rs.Status.ReadyReplicas, need, rs.Name)
	}
	return isReady
}

// newReplicaSet finds the ReplicaSet the Deployment controls at the
// Deployment's current revision, or nil when it does not exist yet.
func (k *Kube) newReplicaSet(ctx context.Context, d *appsv1.Deployment) (*appsv1.ReplicaSet, error) {
	revision := d.Annotations[revisionAnnotation]
	if revision == "" {
		return nil, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("deployment %s selector: %w", d.Name, err)
	}
	list, err := k.Core.AppsV1().ReplicaSets(d.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, fmt.Errorf("list ReplicaSets of deployment %s: %w", d.Name, err)
	}
	for i := range list.Items {
		rs := &list.Items[i]
		if owner := metav1.GetControllerOf(rs); owner != nil && owner.UID == d.UID && rs.Annotations[revisionAnnotation] == revision {
			return rs, nil
		}
	}
	return nil, nil
}

func deploymentReplicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas != nil {
		return *d.Spec.Replicas
	}
	return 1
}

// maxUnavailable is how many replicas a rollout may leave unavailable:
// the strategy's value, 25 % (rounded down) by default, none for Recreate.
func maxUnavailable(d *appsv1.Deployment) int {
	want := int(deploymentReplicas(d))
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxUnavailable != nil {
		n, _ := intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, want, false)
		return n
	}
	if d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
		return 0
	}
	return want / 4
}
