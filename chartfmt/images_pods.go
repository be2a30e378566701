package chartfmt

import (
	"sort"

	"sigs.k8s.io/yaml"
)

// PodImages returns the distinct images of every container, init container
// and ephemeral container in the rendered manifests and non-test hooks
// (Pods, pod templates of workloads, CronJob job templates — wherever a
// containers list appears), sorted.
func PodImages(r *Rendered) []string {
	seen := map[string]bool{}
	docs := make([]string, 0, len(r.Manifests)+len(r.Hooks))
	for _, m := range r.Manifests {
		docs = append(docs, m.Content)
	}
	for _, h := range r.Hooks {
		if !h.IsTest() {
			docs = append(docs, h.Content)
		}
	}
	for _, d := range docs {
		var obj map[string]any
		if yaml.Unmarshal([]byte(d), &obj) != nil {
			continue
		}
		collectImages(obj, seen)
	}
	out := make([]string, 0, len(seen))
	for img := range seen {
		out = append(out, img)
	}
	sort.Strings(out)
	return out
}

func collectImages(v any, seen map[string]bool) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if k == "containers" || k == "initContainers" || k == "ephemeralContainers" {
				if list, ok := child.([]any); ok {
					for _, c := range list {
						if cm, ok := c.(map[string]any); ok {
							if img, ok := cm["image"].(string); ok && img != "" {
								seen[img] = true
							}
						}
					}
				}
			}
			collectImages(child, seen)
		}
	case []any:
		for _, c := range t {
			collectImages(c, seen)
		}
	}
}
