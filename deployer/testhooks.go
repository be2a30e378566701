package deployer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// TestOptions configure RunTests.
type TestOptions struct {
	Target
	Timeout time.Duration
	// Include, when not empty, runs only the hooks of these names; Exclude
	// skips hooks of these names (helm test --filter name=…, !name=…).
	Include, Exclude []string
}

// RunTests runs the test hooks of the newest revision and records their
// results in it, as `helm test` does. With filters, the skipped hooks go
// first in the recorded list, then the ones that ran (helm's order).
func (d *Deployer) RunTests(ctx context.Context, opts TestOptions) (*Release, error) {
	rel, err := newestRevision(ctx, d.Store, opts.Target)
	if err != nil {
		return nil, err
	}
	var skipped []*Hook
	if len(opts.Exclude) > 0 {
		var run []*Hook
		for _, h := range rel.Hooks {
			if slices.Contains(opts.Exclude, h.Name) {
				skipped = append(skipped, h)
			} else {
				run = append(run, h)
			}
		}
		rel.Hooks = run
	}
	if len(opts.Include) > 0 {
		var run []*Hook
		for _, h := range rel.Hooks {
			if slices.Contains(opts.Include, h.Name) {
				run = append(run, h)
			} else {
				skipped = append(skipped, h)
			}
		}
		rel.Hooks = run
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	runErr := d.runHooks(ctx, rel, TestEvent)
	rel.Hooks = append(skipped, rel.Hooks...)
	if err := d.Store.Update(context.WithoutCancel(ctx), rel); err != nil && runErr == nil {
		runErr = err
	}
	return rel, runErr
}

// maxTestLog bounds the log of one test pod that TestLogs copies.
const maxTestLog = 64 << 20

// TestLogs writes the logs of rel's test pods to w, lightest hook first,
// each as "POD LOGS: NAME", the log, and an empty line (helm test --logs;
// hooks the filters skipped are left out).
func (d *Deployer) TestLogs(ctx context.Context, w io.Writer, rel *Release, opts TestOptions) error {
	if d.Kube == nil {
		return errors.New("test logs need a cluster connection")
	}
	hooks := slices.Clone(rel.Hooks)
	sort.SliceStable(hooks, func(i, j int) bool { return hooks[i].Weight < hooks[j].Weight })
	for _, h := range hooks {
		if !slices.Contains(h.Events, TestEvent) || slices.Contains(opts.Exclude, h.Name) ||
			(len(opts.Include) > 0 && !slices.Contains(opts.Include, h.Name)) {
			continue
		}
		logs, err := d.Kube.Core.CoreV1().Pods(rel.Namespace).GetLogs(h.Name, &corev1.PodLogOptions{}).Stream(ctx)
		if err != nil {
			return fmt.Errorf("unable to get pod logs for %s: %w", h.Name, err)
		}
		fmt.Fprintf(w, "POD LOGS: %s\n", h.Name)
		_, err = io.Copy(w, io.LimitReader(logs, maxTestLog))
		logs.Close()
		fmt.Fprintln(w)
		if err != nil {
			return fmt.Errorf("unable to write pod logs for %s: %w", h.Name, err)
		}
	}
	return nil
}
