package deployer

import "sort"

// installOrder is Helm's kind order; kinds not listed (custom resources)
// come last, alphabetically. Uninstall uses the reverse.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
	"ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
	"CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
	"DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
	"APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
}

var kindRank = func() map[string]int {
	m := map[string]int{}
	for i, k := range installOrder {
		m[k] = i
	}
	return m
}()

func kindBefore(a, b string) bool {
	ra, aok := kindRank[a]
	rb, bok := kindRank[b]
	switch {
	case aok && bok:
		return ra < rb
	case aok != bok:
		return aok
	}
	return a < b
}

// sortInstall orders objects by kind, keeping document order within a kind.
func sortInstall(objs []*Object) {
	sort.SliceStable(objs, func(i, j int) bool { return kindBefore(objs[i].GetKind(), objs[j].GetKind()) })
}

// sortUninstall is the reverse kind order.
func sortUninstall(objs []*Object) {
	sort.SliceStable(objs, func(i, j int) bool { return kindBefore(objs[j].GetKind(), objs[i].GetKind()) })
}

// kindGroups splits sorted objects into runs of one kind, applied in turn.
func kindGroups(objs []*Object) [][]*Object {
	var out [][]*Object
	for i, o := range objs {
		if i == 0 || o.GetKind() != objs[i-1].GetKind() {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], o)
	}
	return out
}
