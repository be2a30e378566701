package chartfmt

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Manifest splitting and install-order sorting, as Helm v3.22.0's
// releaseutil: files in path order, each split on "---" lines (documents
// trimmed, empty ones dropped), each document's head parsed as YAML; the
// lists are then stable-sorted by kind.

// installOrder is Helm's InstallOrder; kinds not listed go last, by name.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
	"ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
	"CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
	"DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
	"APIService",
}

var installRank = func() map[string]int {
	m := make(map[string]int, len(installOrder))
	for i, k := range installOrder {
		m[k] = i
	}
	return m
}()

// KindLess orders two kinds for installation, as Helm v3.22.0 does: by
// InstallOrder, then kinds it does not list (custom resources) by name.
func KindLess(a, b string) bool {
	ra, aok := installRank[a]
	rb, bok := installRank[b]
	switch {
	case !aok && !bok:
		return a < b
	case !aok:
		return false
	case !bok:
		return true
	}
	return ra < rb
}

// SimpleHead is the part of a document sorting needs. The name matters:
// it appears in YAML decoding errors, which match Helm's.
type SimpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

// sortRendered splits and classifies rendered files into manifests and
// hooks, both in install order.
func sortRendered(files map[string]string, warn func(string, ...any)) ([]Manifest, []*Hook, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	type doc struct {
		source, text string
		head         SimpleHead
		err          error
	}
	var docs []doc
	for _, name := range names {
		content := files[name]
		if strings.HasPrefix(path.Base(name), "_") || strings.TrimSpace(content) == "" {
			continue
		}
		for _, d := range SplitManifests(content) {
			docs = append(docs, doc{source: name, text: d})
		}
	}
	// Decoding heads is pure and the costly part: do it concurrently.
	parallelFor(len(docs), func(i int) {
		docs[i].err = decodeHead(docs[i].text, &docs[i].head)
	})
	var manifests []Manifest
	var hooks []*Hook
	for _, d := range docs {
		if d.err != nil {
			return manifests, hooks, fmt.Errorf("YAML parse error on %s: %w", d.source, d.err)
		}
		head := d.head
		m := Manifest{Source: d.source, APIVersion: head.Version, Kind: head.Kind, Content: d.text}
		if head.Metadata != nil {
			m.Name = head.Metadata.Name
		}
		if head.Metadata == nil || len(head.Metadata.Annotations) == 0 {
			manifests = append(manifests, m)
			continue
		}
		h, isHook, known := newHook(m, head.Metadata.Annotations)
		switch {
		case !isHook:
			manifests = append(manifests, m)
		case !known:
			warnf(warn, "info: skipping unknown hook: %q", head.Metadata.Annotations[hookAnnotation])
		default:
			hooks = append(hooks, h)
		}
	}
	sort.SliceStable(manifests, func(i, j int) bool { return KindLess(manifests[i].Kind, manifests[j].Kind) })
	sort.SliceStable(hooks, func(i, j int) bool { return KindLess(hooks[i].Kind, hooks[j].Kind) })
	return manifests, hooks, nil
}
