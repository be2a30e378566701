package chartfmt

import (
	"math"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// decodeHead fills h from doc exactly as sigs.k8s.io/yaml.Unmarshal(doc, h)
// does (Helm's SortManifests), with one YAML parse instead of a parse, a
// JSON encoding of the whole document and a JSON decoding. The parse is the
// same go-yaml v2 call sigs.k8s.io/yaml makes first; the head is then read
// from the parsed value when that is plainly equivalent (string keys, plain
// scalars, exact key names, string head fields). Anything else — a parse
// error, a key JSON would match case-insensitively, a value JSON could not
// encode or would stringify — takes the original path, so results and
// error texts are Helm's.
func decodeHead(doc string, h *SimpleHead) error {
	var obj any
	if err := yamlv2.Unmarshal([]byte(doc), &obj); err == nil && headOf(obj, h) {
		return nil
	}
	*h = SimpleHead{}
	return yaml.Unmarshal([]byte(doc), h)
}

// headOf reads obj into h; false means "not sure, use the original path".
func headOf(obj any, h *SimpleHead) bool {
	*h = SimpleHead{}
	if obj == nil {
		return true // null: JSON decoding leaves h empty
	}
	top, ok := obj.(map[any]any)
	if !ok || !plainJSON(top, 0) {
		return false
	}
	for k, v := range top {
		key := k.(string)
		switch {
		case key == "apiVersion":
			if h.Version, ok = headString(v); !ok {
				return false
			}
		case key == "kind":
			if h.Kind, ok = headString(v); !ok {
				return false
			}
		case key == "metadata":
			if !metadataOf(v, h) {
				return false
			}
		case strings.EqualFold(key, "apiVersion"), strings.EqualFold(key, "kind"), strings.EqualFold(key, "metadata"):
			return false
		}
	}
	return true
}

func metadataOf(v any, h *SimpleHead) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[any]any)
	if !ok {
		return false
	}
	h.Metadata = &struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	}{}
	for k, e := range m {
		key := k.(string) // plainJSON checked every key
		switch {
		case key == "name":
			if h.Metadata.Name, ok = headString(e); !ok {
				return false
			}
		case key == "annotations":
			if e == nil {
				continue
			}
			ann, ok := e.(map[any]any)
			if !ok {
				return false
			}
			h.Metadata.Annotations = make(map[string]string, len(ann))
			for ak, av := range ann {
				s, isStr := av.(string)
				if !isStr || !utf8.ValidString(s) || !utf8.ValidString(ak.(string)) {
					return false
				}
				h.Metadata.Annotations[ak.(string)] = s
			}
		case strings.EqualFold(key, "name"), strings.EqualFold(key, "annotations"):
			return false
		}
	}
	return true
}

// headString accepts a valid UTF-8 string or null (JSON null leaves "").
func headString(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok && utf8.ValidString(s)
}

// plainJSON reports whether v converts to JSON without sigs.k8s.io/yaml
// rewriting anything: string map keys, and scalars that are strings,
// bools, integers or finite floats, nested less than JSON's depth limit.
func plainJSON(v any, depth int) bool {
	if depth > 1000 {
		return false
	}
	switch t := v.(type) {
	case nil, string, bool, int, int64, uint64:
		return true
	case float64:
		return !math.IsInf(t, 0) && !math.IsNaN(t)
	case map[any]any:
		for k, e := range t {
			if _, ok := k.(string); !ok || !plainJSON(e, depth+1) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range t {
			if !plainJSON(e, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
