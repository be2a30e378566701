package deployer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Head is what a release's Secret labels say about its newest revision,
// known without reading any payload.
type Head struct {
	Name      string
	Namespace string
	Version   int
	Status    Status
	// Updated is the Secret's modifiedAt (else createdAt) label.
	Updated time.Time
	labels  map[string]string // the Secret's, for ListOptions.Selector
}

// ListHeads lists releases from Secret metadata alone: one request that
// carries labels, no payload to transfer or decode. Helm decodes every
// revision of every release to answer `list`.
func (s *Store) ListHeads(ctx context.Context, opts ListOptions) ([]Head, error) {
	metas, err := s.listMeta(ctx, opts.namespace())
	if err != nil {
		return nil, err
	}
	best := map[string]Head{}
	for _, m := range metas {
		v, err := strconv.Atoi(m.Labels["version"])
		if err != nil || m.Labels["name"] == "" {
			continue
		}
		key := m.Namespace + "/" + m.Labels["name"]
		if cur, ok := best[key]; ok && cur.Version >= v {
			continue
		}
		best[key] = Head{Name: m.Labels["name"], Namespace: m.Namespace, Version: v,
			Status: Status(m.Labels["status"]), Updated: labelTime(m.Labels), labels: m.Labels}
	}
	out := make([]Head, 0, len(best))
	for _, h := range best {
		if opts.keeps(h.Status) && (opts.Filter == nil || opts.Filter.MatchString(h.Name)) &&
			(opts.Selector == nil || opts.Selector.Matches(labels.Set(h.labels))) {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b Head) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Namespace, b.Namespace))
	})
	if opts.Sort == ByNameDesc {
		slices.Reverse(out)
	}
	return opts.window(out), nil
}

func labelTime(l map[string]string) time.Time {
	for _, k := range []string{"modifiedAt", "createdAt"} {
		if s, err := strconv.ParseInt(l[k], 10, 64); err == nil {
			return time.Unix(s, 0)
		}
	}
	return time.Time{}
}

// listMeta lists release Secrets' metadata, without payloads when the
// Store has a metadata client.
func (s *Store) listMeta(ctx context.Context, ns string) ([]metav1.ObjectMeta, error) {
	sel := labels.Set{"owner": "helm"}.String()
	var out []metav1.ObjectMeta
	if s.meta == nil {
		secs, err := s.query(ctx, ns, sel)
		for _, sec := range secs {
			out = append(out, sec.ObjectMeta)
		}
		return out, err
	}
	list, err := s.meta.Resource(corev1.SchemeGroupVersion.WithResource("secrets")).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return nil, fmt.Errorf("list release secrets (%s): %w", sel, err)
	}
	for _, m := range list.Items {
		out = append(out, m.ObjectMeta)
	}
	return out, nil
}
