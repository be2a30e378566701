package deployer

import (
	"context"
	"time"
)

// TestOptions configure RunTests.
type TestOptions struct {
	Target
	Timeout time.Duration
}

// RunTests runs the test hooks of the newest revision and records their
// results in it, as `helm test` does.
func (d *Deployer) RunTests(ctx context.Context, opts TestOptions) (*Release, error) {
	rel, err := newestRevision(ctx, d.Store, opts.Target)
	if err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	return rel, d.runHooks(ctx, rel, TestEvent)
}
