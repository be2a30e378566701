package deployer

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/rest"
)

// Deployer runs release operations: it holds the release store and the
// cluster. Operations are methods named after Helm's commands; each plans
// (plan.go) and then runs its plan (execute.go).
type Deployer struct {
	// Kube is the real cluster (nil with other backends): its clients
	// serve `lookup`, version queries and tests.
	Kube *Kube
	// Store keeps the revisions; Cluster applies, deletes and waits.
	Store   ReleaseStore
	Cluster Applier
	// Progress receives events while operations run (nil: none). The
	// library prints nothing itself.
	Progress func(Event)
	// WatchInterval is how often a running operation checks that its
	// revision still exists (0: every 2 s); see watchRevision.
	WatchInterval time.Duration
}

// New connects a Deployer to the cluster cfg points at.
func New(cfg *rest.Config) (*Deployer, error) {
	k, err := NewKube(cfg)
	if err != nil {
		return nil, err
	}
	store := NewStore(k.Core.CoreV1())
	store.meta = k.Metadata
	return &Deployer{Kube: k, Store: store, Cluster: k}, nil
}

// NewWith runs operations on the given store and cluster.
func NewWith(store ReleaseStore, cluster Applier) *Deployer {
	return &Deployer{Store: store, Cluster: cluster}
}

// Event is one step of an operation, for progress display.
type Event struct {
	Time    time.Time
	Release string
	// Phase is "hook", "apply", "wait" or "done".
	Phase   string
	Message string
	// Pending lists objects still not ready, with why (wait events).
	Pending []PendingObject
}

// PendingObject is an object a wait is still waiting for.
type PendingObject struct {
	Object string
	Reason string
}

func (d *Deployer) emit(release, phase, format string, args ...any) {
	if d.Progress != nil {
		d.Progress(Event{Time: time.Now(), Release: release, Phase: phase, Message: fmt.Sprintf(format, args...)})
	}
}

// withTimeout bounds an operation; zero means Helm's default of 5 minutes.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, operationTimeout(d))
}

// operationTimeout is the --timeout in force: 5 minutes when unset.
func operationTimeout(d time.Duration) time.Duration {
	if d <= 0 {
		return 5 * time.Minute
	}
	return d
}
