package deployer

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"

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
	// Filter, when set, keeps releases whose name it matches (helm list
	// --filter).
	Filter *regexp.Regexp
	// Selector, when set, keeps releases whose newest revision's Secret
	// labels it matches, system labels included (helm list --selector).
	Selector labels.Selector
	// Sort orders the list before Offset and Max apply.
	Sort ListSort
}

// ListSort is the order of `list`, as helm's flags choose it.
type ListSort int

const (
	ByName     ListSort = iota // default: by name, then namespace
	ByNameDesc                 // --reverse
	ByDate                     // --date: last deployed, oldest first (as helm sorts it)
	ByDateDesc                 // --date --reverse: newest first
)

// byDate reports whether the order needs each release's last-deployed
// time, which only the payload has.
func (o ListOptions) byDate() bool { return o.Sort == ByDate || o.Sort == ByDateDesc }

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
	windowed := opts
	if opts.byDate() { // every head is decoded, sorted by date, then cut
		windowed.Offset, windowed.Max = 0, 0
	}
	heads, err := s.ListHeads(ctx, windowed)
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
	rels, err := decodeListed(ctx, picked)
	if err != nil || !opts.byDate() {
		if opts.Sort == ByNameDesc {
			slices.Reverse(rels)
		}
		return rels, err
	}
	sortByName(rels)
	slices.SortStableFunc(rels, func(a, b *Release) int {
		return cmp.Compare(a.Info.LastDeployed.Unix(), b.Info.LastDeployed.Unix())
	})
	if opts.Sort == ByDateDesc {
		slices.Reverse(rels)
	}
	rels = rels[min(max(opts.Offset, 0), len(rels)):]
	if opts.Max > 0 && len(rels) > opts.Max {
		rels = rels[:opts.Max]
	}
	return rels, nil
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
	sortByName(out)
	return out, nil
}

// sortByName orders releases by name, then namespace (helm sorts by name
// only; the namespace makes `list -A` repeatable).
func sortByName(rels []*Release) {
	slices.SortFunc(rels, func(a, b *Release) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Namespace, b.Namespace))
	})
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
