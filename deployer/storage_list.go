package deployer

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
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
}

// List returns the newest revision of each release that passes the filter,
// sorted by namespace then name. Status and revision come from Secret
// labels; only the revisions that survive the filter are decoded.
func (s *Store) List(ctx context.Context, opts ListOptions) ([]*Release, error) {
	ns := opts.Namespace
	if opts.AllNamespaces {
		ns = ""
	}
	secs, err := s.query(ctx, ns, labels.Set{"owner": "helm"})
	if err != nil {
		return nil, err
	}
	var out []*Release
	for _, sec := range newestPerRelease(secs) {
		if !opts.keeps(Status(sec.Labels["status"])) {
			continue
		}
		r, err := releaseFromSecret(sec)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
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

// newestPerRelease picks, by the version label, each release's newest
// Secret without decoding any payload.
func newestPerRelease(secs []corev1.Secret) []*corev1.Secret {
	best := map[string]*corev1.Secret{}
	bestV := map[string]int{}
	for i := range secs {
		sec := &secs[i]
		if sec.Type != secretType {
			continue
		}
		v, err := strconv.Atoi(sec.Labels["version"])
		if err != nil {
			continue
		}
		key := fmt.Sprintf("%s/%s", sec.Namespace, sec.Labels["name"])
		if cur, ok := bestV[key]; !ok || v > cur {
			best[key], bestV[key] = sec, v
		}
	}
	out := make([]*corev1.Secret, 0, len(best))
	for _, sec := range best {
		out = append(out, sec)
	}
	return out
}
