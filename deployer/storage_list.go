package deployer

import (
	"context"
	"fmt"
	"sort"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/sets"
)

// ListOptions filter List. A zero value lists deployed and failed releases
// of one namespace, like `helm list`.
type ListOptions struct {
	// Namespace to list; "" with AllNamespaces lists every namespace.
	Namespace     string
	AllNamespaces bool
	// Statuses to keep, matched against each release's newest revision.
	// Empty means deployed and failed.
	Statuses []Status
	// All keeps every status.
	All bool
	// Offset skips that many releases of the sorted, filtered list; Max, when
	// positive, keeps at most that many after it (helm list --offset, --max).
	Offset, Max int
}

// window cuts the sorted, filtered heads to Offset and Max, before anything
// is decoded.
func (o ListOptions) window(heads []Head) []Head {
	heads = heads[min(max(o.Offset, 0), len(heads)):]
	if o.Max > 0 && len(heads) > o.Max {
		heads = heads[:o.Max]
	}
	return heads
}

func (o ListOptions) namespace() string {
	if o.AllNamespaces {
		return ""
	}
	return o.Namespace
}

// List returns the newest revision of each release that passes the filter,
// sorted by namespace then name. Which revisions qualify is read from Secret
// labels; only their payloads are fetched (the server filters by status
// label) and decoded, and only as far as listing needs: the returned
// releases carry name, info and chart metadata only (see peekRelease). Helm fetches and fully decodes every revision of every release.
func (s *Store) List(ctx context.Context, opts ListOptions) ([]*Release, error) {
	heads, err := s.ListHeads(ctx, opts)
	if err != nil {
		return nil, err
	}
	if len(heads) == 0 {
		return nil, nil
	}
	want := map[string]bool{}
	statuses := sets.New[string]()
	for _, h := range heads {
		want[SecretName(h.Name, h.Version)+"/"+h.Namespace] = true
		statuses.Insert(string(h.Status))
	}
	sel := labels.NewSelector()
	owner, _ := labels.NewRequirement("owner", selection.Equals, []string{"helm"})
	status, err := labels.NewRequirement("status", selection.In, sets.List(statuses))
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	secs, err := s.query(ctx, opts.namespace(), sel.Add(*owner, *status).String())
	if err != nil {
		return nil, err
	}
	var picked []*corev1.Secret
	for i := range secs {
		if want[secs[i].Name+"/"+secs[i].Namespace] {
			picked = append(picked, &secs[i])
		}
	}
	return decodeListed(ctx, picked)
}

// decodeListed peeks into the picked Secrets in parallel.
func decodeListed(ctx context.Context, secs []*corev1.Secret) ([]*Release, error) {
	out := make([]*Release, len(secs))
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, sec := range secs {
		g.Go(func() (err error) {
			out[i], err = peekRelease(sec)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func (o ListOptions) keeps(s Status) bool {
	if o.All {
		return true
	}
	want := o.Statuses
	if len(want) == 0 {
		want = []Status{StatusDeployed, StatusFailed}
	}
	for _, w := range want {
		if w == s {
			return true
		}
	}
	return false
}
