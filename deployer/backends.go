package deployer

import "context"

// ReleaseStore keeps the revisions of releases. *Store keeps them in
// Helm-format Secrets. Create is the lock: it fails with ErrLocked when the
// revision exists. Update fails with ErrConflict when the revision changed
// since it was read.
type ReleaseStore interface {
	Create(ctx context.Context, r *Release) error
	Update(ctx context.Context, r *Release) error
	Get(ctx context.Context, namespace, name string, version int) (*Release, error)
	// History returns every revision, oldest first, or ErrReleaseNotFound.
	History(ctx context.Context, namespace, name string) ([]*Release, error)
	Delete(ctx context.Context, namespace, name string, version int) error
	List(ctx context.Context, opts ListOptions) ([]*Release, error)
	ListHeads(ctx context.Context, opts ListOptions) ([]Head, error)
}

// Applier is what operations do to the cluster. *Kube does it to a real
// API server.
type Applier interface {
	// Build turns manifests into objects of known kinds, validated.
	Build(ms []Manifest, namespace string) ([]*Object, error)
	// Apply moves the cluster from original to target (see Kube.Apply).
	Apply(ctx context.Context, original, target []*Object, opts ApplyOptions) (*ChangeSet, error)
	Delete(ctx context.Context, objs []*Object, opts DeleteOptions) (*ChangeSet, error)
	Wait(ctx context.Context, objs []*Object, waitJobs bool, progress func([]PendingObject)) error
	WaitDeleted(ctx context.Context, objs []*Object) error
	InstallCRDs(ctx context.Context, crds []Manifest) (*ChangeSet, error)
	CreateNamespace(ctx context.Context, name string) error
	// RunHook creates a hook object and waits until it is done.
	RunHook(ctx context.Context, o *Object) error
	// DeleteHook deletes a hook object and waits until it is gone.
	DeleteHook(ctx context.Context, o *Object) error
}

var (
	_ ReleaseStore = (*Store)(nil)
	_ Applier      = (*Kube)(nil)
)

// newestRevision is the newest revision, whatever its status.
func newestRevision(ctx context.Context, s ReleaseStore, t Target) (*Release, error) {
	h, err := s.History(ctx, t.Namespace, t.Name)
	if err != nil {
		return nil, err
	}
	return h[len(h)-1], nil
}
