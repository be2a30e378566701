package deployer

import (
	"sort"

	"github.com/berth-dev/berth/chartfmt"
)

// kindBefore is chartfmt's install order, so objects the deployer re-sorts
// (from stored manifests, hooks, diffs) follow the order the renderer wrote.
func kindBefore(a, b string) bool { return chartfmt.KindLess(a, b) }

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
