package deployer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// Recorded in Release.ApplyMethod, as Helm 4 does.
const (
	applySSA = "ssa"
)

// ApplyMethod chooses between client-side three-way patches (Helm 3's way,
// the default), replacing objects (Helm's --force) and server-side apply.
type ApplyMethod struct {
	ServerSide     bool
	ForceConflicts bool
	// Replace sends every object that exists as a whole (an update, PUT)
	// instead of a patch: what the chart does not set is reset, drift
	// included. A replace the API server refuses (an immutable field)
	// fails the operation; nothing is deleted and recreated (Helm 3 does
	// not either, whatever its rollback --force help says).
	Replace bool
}

// check refuses combinations that mean nothing, with Helm 4's wording.
// current is the revision the method was latched from (nil: none).
func (m ApplyMethod) check(current *Release) error {
	if !m.Replace {
		return nil
	}
	if m.ForceConflicts {
		return errors.New("invalid operation: cannot use force conflicts and force replace together")
	}
	if m.ServerSide {
		if current != nil && current.ApplyMethod == applySSA {
			return fmt.Errorf("invalid operation: cannot use server-side apply and force replace together (revision %d of %q was applied server-side, and later ones stay so)", current.Version, current.Name)
		}
		return errors.New("invalid operation: cannot use server-side apply and force replace together")
	}
	return nil
}

// latch keeps server-side apply for releases that were applied that way.
func (m ApplyMethod) latch(current *Release) ApplyMethod {
	if current != nil && current.ApplyMethod == applySSA {
		m.ServerSide = true
	}
	return m
}

// record is the apply_method value; client-side stays unrecorded so that
// releases look exactly like Helm 3's.
func (m ApplyMethod) record() string {
	if m.ServerSide {
		return applySSA
	}
	return ""
}

// serverSideApply sends the whole desired object as an apply patch; the
// server merges it by field ownership. Unchanged objects still cost one
// request, which is why client-side patching is the default.
func (k *Kube) serverSideApply(ctx context.Context, o *Object, live *unstructured.Unstructured, opts ApplyOptions, cs *ChangeSet) error {
	data, err := json.Marshal(o.Object)
	if err != nil {
		return err
	}
	force := opts.ForceConflicts
	out, err := k.resource(o).Patch(ctx, o.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{
		FieldManager: fieldManager, Force: &force, DryRun: opts.dryRun(), FieldValidation: k.fieldValidation(),
	})
	if err != nil {
		return fmt.Errorf("server-side apply %s: %w", o, err)
	}
	a := ActionConfigured
	switch {
	case live == nil:
		a = ActionCreated
	case out.GetResourceVersion() == live.GetResourceVersion():
		a = ActionUnchanged
	}
	cs.add(o, a)
	opts.observe(o, a, live, out)
	return nil
}

// fieldValidation is what the API server does with unknown fields: refuse
// them, unless schema validation is off (then it drops them).
func (k *Kube) fieldValidation() string {
	if k.SkipSchemaValidation {
		return "Ignore"
	}
	return "Strict"
}
