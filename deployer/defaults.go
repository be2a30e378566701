package deployer

import (
	"encoding/json"
	"reflect"
)

// onlyDefaultsDiffer reports whether patching would change nothing the
// server keeps: every field of the patched object equals the live one, and
// the live object only has more fields. That happens when a chart leaves
// fields of an atomic list to server defaults (NetworkPolicy ports without
// protocol, StatefulSet volumeClaimTemplates): the patch replaces the list
// and the server fills the same defaults back in. It is only consulted when
// the chart did not change the object, so a chart that drops a field still
// gets it removed.
func onlyDefaultsDiffer(patched, live []byte) bool {
	var p, l any
	if json.Unmarshal(patched, &p) != nil || json.Unmarshal(live, &l) != nil {
		return false
	}
	return subset(p, l)
}

// subset: maps by key (live may have more keys; empty maps are absent
// ones), lists by position with equal length, scalars equal.
func subset(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, _ := b.(map[string]any)
		for k, v := range av {
			if m, ok := v.(map[string]any); ok && len(m) == 0 {
				continue
			}
			if !subset(v, bv[k]) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !subset(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
