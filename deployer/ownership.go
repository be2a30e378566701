package deployer

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Ownership metadata exactly as Helm writes it.
const (
	managedByLabel        = "app.kubernetes.io/managed-by"
	managedByHelm         = "Helm"
	releaseNameAnnotation = "meta.helm.sh/release-name"
	releaseNSAnnotation   = "meta.helm.sh/release-namespace"
	resourcePolicyAnno    = "helm.sh/resource-policy"
	keepPolicy            = "keep"
)

// setOwnership injects the ownership triple in memory; stored manifests
// stay as rendered, as in Helm.
func setOwnership(objs []*Object, release, namespace string) {
	for _, o := range objs {
		lbs := o.GetLabels()
		if lbs == nil {
			lbs = map[string]string{}
		}
		lbs[managedByLabel] = managedByHelm
		o.SetLabels(lbs)
		ann := o.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann[releaseNameAnnotation] = release
		ann[releaseNSAnnotation] = namespace
		o.SetAnnotations(ann)
	}
}

// checkOwnership tells whether a live object may be adopted by the release:
// Helm requires all three ownership values to match exactly.
func checkOwnership(live *unstructured.Unstructured, release, namespace string) error {
	var lerrs, aerrs []string
	if msg := requireValue(live.GetLabels(), managedByLabel, managedByHelm); msg != "" {
		lerrs = append(lerrs, msg)
	}
	for _, kv := range [][2]string{{releaseNameAnnotation, release}, {releaseNSAnnotation, namespace}} {
		if msg := requireValue(live.GetAnnotations(), kv[0], kv[1]); msg != "" {
			aerrs = append(aerrs, msg)
		}
	}
	if len(lerrs) == 0 && len(aerrs) == 0 {
		return nil
	}
	var parts []string
	if len(lerrs) > 0 {
		parts = append(parts, "label validation error: "+strings.Join(lerrs, "; "))
	}
	if len(aerrs) > 0 {
		parts = append(parts, "annotation validation error: "+strings.Join(aerrs, "; "))
	}
	return fmt.Errorf("invalid ownership metadata; %s", strings.Join(parts, "; "))
}

func requireValue(m map[string]string, key, want string) string {
	got, ok := m[key]
	if !ok {
		return fmt.Sprintf("missing key %q: must be set to %q", key, want)
	}
	if got != want {
		return fmt.Sprintf("key %q must equal %q: current value is %q", key, want, got)
	}
	return ""
}

// keeps reports whether the resource policy says to leave the object behind.
func keeps(u *unstructured.Unstructured) bool {
	return strings.ToLower(strings.TrimSpace(u.GetAnnotations()[resourcePolicyAnno])) == keepPolicy
}

// spares reports whether pruning leaves a live object alone: it asks to be
// kept, or original came from a failed revision and the object is not this
// release's (a failed revision grants no ownership).
func spares(live *unstructured.Unstructured, opts ApplyOptions) bool {
	if keeps(live) {
		return true
	}
	return opts.OriginalFailed && checkOwnership(live, opts.Release, opts.Namespace) != nil
}

// succeeded reports whether a revision was ever rolled out completely, so
// that the objects its manifest names are the release's own.
func succeeded(r *Release) bool {
	return r != nil && r.Info != nil && (r.Info.Status == StatusDeployed || r.Info.Status == StatusSuperseded)
}
