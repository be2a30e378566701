// Package startup paces the garbage collector of a short berth process.
//
// It pauses the collector while the program's package initialisers run.
// They allocate a few MiB that stay live (API schemes, JSON-schema
// meta-schemas) and, with the default 4 MiB first goal, paid for two
// collections — a third of the CPU of `berth version`. Go initialises
// ready packages in import-path order, so this one (which needs only
// runtime/debug) runs before the heavy ones; main calls Done.
//
// Done then lets the process allocate up to FirstCollectionAt of memory
// before its first collection, and only then restores the environment's
// pacing. Most renders stay below that bound and never collect (the
// collector was a tenth to a quarter of a render's CPU, for 2–3 cycles over
// a few MiB of live data); a large render collects at the bound and from
// then on exactly as before, so its peak memory is what it was. A memory
// limit alone would not do: past it, a growing live heap would be
// collected over and over.
package startup

import (
	"math"
	"runtime"
	"runtime/debug"
)

// FirstCollectionAt bounds the memory (Go runtime total, as for GOMEMLIMIT)
// the process may use before its first collection. Peak RSS stays below
// helm's on every shared chart with it (BENCHMARKS.md).
const FirstCollectionAt = 20 << 20

var gcPercent = debug.SetGCPercent(-1)

// Done ends the start-up: the collector stays off until the process uses
// FirstCollectionAt, then paces as the environment set it (GOGC,
// GOMEMLIMIT). With GOGC or GOMEMLIMIT set, their pacing applies at once.
func Done() {
	limit := debug.SetMemoryLimit(-1)
	if gcPercent != 100 || limit != math.MaxInt64 {
		debug.SetGCPercent(gcPercent)
		return
	}
	debug.SetMemoryLimit(FirstCollectionAt)
	// The sentinel is unreachable at once, so its finalizer runs after
	// the first collection, whatever triggered it. 32 bytes: the tiny
	// allocator (< 16 B) would share it with other objects.
	sentinel := new([4]uintptr)
	runtime.SetFinalizer(sentinel, func(*[4]uintptr) {
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(limit)
	})
}
