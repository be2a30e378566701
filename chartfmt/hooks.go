package chartfmt

import (
	"slices"
	"strconv"
	"strings"
)

// Hook annotations, as Helm names them.
const (
	hookAnnotation          = "helm.sh/hook"
	hookWeightAnnotation    = "helm.sh/hook-weight"
	hookDeleteAnnotation    = "helm.sh/hook-delete-policy"
	hookOutputLogAnnotation = "helm.sh/hook-output-log-policy"
)

// Hook events Helm knows; "test-success" is the old name of "test".
var hookEvents = map[string]string{
	"pre-install": "pre-install", "post-install": "post-install",
	"pre-delete": "pre-delete", "post-delete": "post-delete",
	"pre-upgrade": "pre-upgrade", "post-upgrade": "post-upgrade",
	"pre-rollback": "pre-rollback", "post-rollback": "post-rollback",
	"test": "test", "test-success": "test",
}

// Hook is a rendered document annotated with helm.sh/hook.
type Hook struct {
	Manifest
	Events            []string // lower-cased event names, in annotation order
	Weight            int      // helm.sh/hook-weight, 0 if absent or not an integer
	DeletePolicies    []string // helm.sh/hook-delete-policy
	OutputLogPolicies []string // helm.sh/hook-output-log-policy
}

// IsTest reports whether the hook runs on `helm test`.
func (h *Hook) IsTest() bool { return slices.Contains(h.Events, "test") }

// newHook reads the hook annotations of m. isHook is false without a
// helm.sh/hook annotation; known is false when an event is unknown (Helm
// then drops the document).
func newHook(m Manifest, ann map[string]string) (h *Hook, isHook, known bool) {
	events, ok := ann[hookAnnotation]
	if !ok {
		return nil, false, false
	}
	weight, err := strconv.Atoi(ann[hookWeightAnnotation])
	if err != nil {
		weight = 0
	}
	h = &Hook{Manifest: m, Weight: weight, Events: []string{}, DeletePolicies: []string{}, OutputLogPolicies: []string{}}
	for _, ev := range strings.Split(events, ",") {
		e, ok := hookEvents[strings.ToLower(strings.TrimSpace(ev))]
		if !ok {
			return nil, true, false
		}
		h.Events = append(h.Events, e)
	}
	h.DeletePolicies = annotationList(ann, hookDeleteAnnotation)
	h.OutputLogPolicies = annotationList(ann, hookOutputLogAnnotation)
	return h, true, true
}

func annotationList(ann map[string]string, key string) []string {
	out := []string{}
	v, ok := ann[key]
	if !ok {
		return out
	}
	for _, p := range strings.Split(v, ",") {
		out = append(out, strings.ToLower(strings.TrimSpace(p)))
	}
	return out
}
