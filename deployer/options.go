package deployer

import (
	"context"
	"time"
)

// Target names a release.
type Target struct {
	Name      string
	Namespace string
}

// Options are the settings every operation shares. Each verb's options
// embed them; a verb ignores what does not apply to it (see its doc).
type Options struct {
	// DryRun plans the operation and, for DryRunServer, sends its writes as
	// server-side dry runs. Nothing is recorded and no hook runs.
	DryRun DryRun
	// NoHooks skips the chart's hooks for this operation.
	NoHooks bool
	// TakeOwnership adopts existing objects whatever their ownership
	// metadata says.
	TakeOwnership bool
	// Method is client-side three-way patching unless ServerSide is set or
	// the current revision was applied server-side (Helm 4's "auto").
	Method  ApplyMethod
	Wait    WaitOptions
	Failure FailureOptions
	Record  RecordOptions
}

// WaitOptions control readiness waiting and the operation deadline.
type WaitOptions struct {
	// Wait blocks until applied objects are ready (deleted, for uninstall).
	Wait bool
	// WaitForJobs also waits for Jobs to complete.
	WaitForJobs bool
	// Timeout bounds hooks and waiting (0: 5 minutes).
	Timeout time.Duration
}

// FailureOptions decide what happens when an operation fails.
type FailureOptions struct {
	// Atomic undoes a failed operation: install uninstalls, upgrade rolls
	// back to the last good revision. It implies Wait.
	Atomic bool
	// CleanupOnFail deletes objects this operation created, on failure.
	CleanupOnFail bool
}

// RecordOptions shape the stored revision.
type RecordOptions struct {
	Description string
	// Labels are custom release labels ("null" deletes one on upgrade).
	Labels map[string]string
	// MaxHistory bounds stored revisions (0: unlimited; Helm's CLI uses 10).
	MaxHistory int
}

// DryRun selects a dry run: none, client (render and validate only) or
// server (also a server-side dry run of every write).
type DryRun string

// Dry-run modes.
const (
	DryRunNone   DryRun = ""
	DryRunClient DryRun = "client"
	DryRunServer DryRun = "server"
)

// RenderRequest is what a chart needs to know to render a revision.
type RenderRequest struct {
	Target
	Revision  int
	IsUpgrade bool
	// Values are the user-supplied values for this revision.
	Values map[string]any
}

// Source is a chart ready to be rendered for a revision.
type Source struct {
	Chart *Chart
	// Render renders the chart for req (see render_adapter.go).
	Render func(ctx context.Context, req RenderRequest) (*Rendered, error)
	// Origin, when known, is recorded with the revision (see Origin).
	Origin *Origin
}
