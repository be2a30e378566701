package chartfmt

import "strings"

// Helm logs some rendering warnings with Go's standard logger, whose flags
// it sets to print the source file and line: they reach stderr on every run,
// --debug or not, as "coalesce.go:316: warning: cannot overwrite table …".
// Scripts and people grep for them, so berth prints the same lines. The
// positions are those of Helm v3.22.0's log calls, matched by the start of
// each message (the formats of coalesce.go, deps_values*.go and schema.go).
var helmLogPositions = []struct{ prefix, pos string }{
	{"warning: skipping globals because destination ", "coalesce.go:138"},
	{"warning: skipping globals because source ", "coalesce.go:145"},
	{"Conflict: cannot merge map onto non-map for ", "coalesce.go:161"},
	{"key ", "coalesce.go:175"}, // "key %s is table. Skipping"
	{"warning: skipped value for ", "coalesce.go:237"},
	{"warning: cannot overwrite table with non table for ", "coalesce.go:316"},
	{"warning: destination for ", "coalesce.go:319"},
	{"Warning: Condition path ", "dependencies.go:64"},
	{"Warning: PathValue returned error ", "dependencies.go:67"},
	{"Warning: Tag ", "dependencies.go:95"},
	{"Warning: ImportValues missing table from chart ", "dependencies.go:270"},
	{"Warning: ImportValues missing table: ", "dependencies.go:287"},
	{"WARNING: unresolved URN reference ignored", "jsonschema.go:192"},
}

// HelmLogLine is the stderr line Helm prints for a rendering warning msg,
// and whether Helm prints it without --debug.
func HelmLogLine(msg string) (string, bool) {
	for _, p := range helmLogPositions {
		if strings.HasPrefix(msg, p.prefix) {
			if p.prefix == "key " && !strings.HasSuffix(msg, " is table. Skipping") {
				continue
			}
			return p.pos + ": " + msg, true
		}
	}
	return msg, false
}

// DeprecatedWarning is what Helm prints on stderr before installing,
// upgrading or rendering a chart whose Chart.yaml says deprecated: true.
const DeprecatedWarning = "WARNING: This chart is deprecated"
