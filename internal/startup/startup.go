// Package startup pauses the garbage collector while the program's package
// initialisers run. They allocate a few MiB that stay live (API schemes,
// JSON-schema meta-schemas) and, with the default 4 MiB first goal, paid
// for two collections — a third of the CPU of `berth version`. Go
// initialises ready packages in import-path order, so this one (which
// needs only runtime/debug) runs before the heavy ones; main calls Done.
package startup

import "runtime/debug"

var gcPercent = debug.SetGCPercent(-1)

// Done restores the collector as the environment set it (GOGC).
func Done() {
	debug.SetGCPercent(gcPercent)
}
