package deployer

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A plan is one operation worked out before anything is written: the
// revision to record, the objects to move from and to, the hooks around
// the change, how to record the outcome and what to do when it fails.
// Planners (install.go, upgrade.go, rollback.go, uninstall.go) only read;
// execute (execute.go) is the one place that writes.
type plan struct {
	// verb names the operation in errors and descriptions.
	verb string
	// rel is the revision this operation records: a new pending one, or
	// for uninstall the newest one.
	rel *Release
	// history is every revision as read (before rel; for uninstall, with it).
	history []*Release
	// takeOver is a stale pending revision, already marked failed in
	// memory, to record as failed before the lock.
	takeOver *Release
	// namespace is created and crds are installed before anything else.
	namespace string
	crds      []Manifest
	// manifests are the target; they are built once the crds exist.
	manifests []Manifest
	// original are the objects of the revision being replaced (uninstall:
	// the objects to delete).
	original []*Object
	// leftovers (uninstall) are objects only earlier revisions had; they
	// are deleted only while they still name this release as owner.
	leftovers []*Object
	// pre and post are the hook events around the change ("": none).
	pre, post string
	apply     ApplyOptions
	// remove deletes original instead of applying the target (uninstall),
	// with cascade as the deletion propagation (empty: background).
	remove  bool
	cascade metav1.DeletionPropagation
	wait    WaitOptions
	record  recordPolicy
	failure failurePolicy
}

// recordPolicy is how a successful operation is recorded.
type recordPolicy struct {
	// done is the description of the finished revision.
	done       string
	maxHistory int
	// supersedeReplaced marks the uninstalled or failed revision an install
	// took the name from as superseded, as Helm does.
	supersedeReplaced bool
	// keepHistory (uninstall) marks rel uninstalled instead of deleting
	// every revision.
	keepHistory bool
}

// failurePolicy is what a failed operation does once the failure is
// recorded: delete what it created, then undo itself.
type failurePolicy struct {
	cleanup bool
	undo    undoStep
}

// undoStep is the way back from a failed operation, run as a plan of its
// own: uninstall the release (install --atomic) or roll back to revision
// to (upgrade --atomic; 0 when there is none).
type undoStep struct {
	kind    undoKind
	to      int
	wait    WaitOptions
	cleanup bool
	// replace rolls back with --force too, as Helm does.
	replace bool
}

type undoKind int

const (
	undoNothing undoKind = iota
	undoUninstall
	undoRollback
)

// hookEvents are the events around a change, none with noHooks.
func hookEvents(noHooks bool, pre, post string) (string, string) {
	if noHooks {
		return "", "" // no hook has an empty event
	}
	return pre, post
}

// applyOptions says whose objects a revision's are and how to apply them.
func applyOptions(rel *Release, verb string, o Options, method ApplyMethod) ApplyOptions {
	return ApplyOptions{Release: rel.Name, Namespace: rel.Namespace, Verb: verb, TakeOwnership: o.TakeOwnership,
		ServerSide: method.ServerSide, ForceConflicts: method.ForceConflicts, Replace: method.Replace}
}

// failedDescription is the description Helm gives a failed revision.
// An interrupted operation (SIGINT, SIGTERM) is recorded as cancelled, as
// Helm records it, not as a failure of the release itself.
func failedDescription(p *plan, cause error) string {
	if errors.Is(cause, context.Canceled) {
		return fmt.Sprintf("Release %q has been cancelled", p.rel.Name)
	}
	switch p.verb {
	case "install":
		return fmt.Sprintf("Release %q failed: %s", p.rel.Name, cause)
	case "upgrade":
		return fmt.Sprintf("Upgrade %q failed: %s", p.rel.Name, cause)
	case "rollback":
		return fmt.Sprintf("Rollback %q failed: %s", p.rel.Name, cause)
	}
	return fmt.Sprintf("%s %q failed: %s", p.verb, p.rel.Name, cause)
}

// buildStored rebuilds the objects of a stored revision. Documents whose
// kind is no longer served are left out: they cannot be patched, and Helm's
// refusal to upgrade such releases (helm#7219) helps nobody.
func (d *Deployer) buildStored(rel *Release) []*Object {
	if rel == nil {
		return nil
	}
	var out []*Object
	for _, m := range splitManifests(rel.Manifest) {
		if objs, err := d.Cluster.Build([]Manifest{m}, rel.Namespace); err == nil {
			out = append(out, objs...)
		}
	}
	return out
}
