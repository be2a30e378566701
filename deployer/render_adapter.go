package deployer

import (
	"context"

	"github.com/berth-dev/berth/chartfmt"
)

// This file and chart_adapter.go are the only places that know chartfmt's
// shapes.

// ChartSource turns a loaded chart into a Source that renders with
// chartfmt for each revision. kubeVersion is the cluster's version
// (.Capabilities.KubeVersion); lookup answers `lookup` (nil: empty).
func ChartSource(ch *chartfmt.Chart, kubeVersion string, lookup chartfmt.Lookuper) Source {
	return Source{
		Chart: StoredChart(ch),
		Render: func(ctx context.Context, req RenderRequest) (*Rendered, error) {
			r, err := chartfmt.Render(ctx, ch, req.Values, chartfmt.RenderOptions{
				ReleaseName: req.Name, Namespace: req.Namespace, Revision: req.Revision,
				IsUpgrade: req.IsUpgrade, KubeVersion: kubeVersion, Lookup: lookup,
			})
			if err != nil {
				return nil, err
			}
			return fromChartfmt(r), nil
		},
	}
}

func fromChartfmt(r *chartfmt.Rendered) *Rendered {
	out := &Rendered{Notes: r.Notes, Chart: StoredChart(r.Chart)}
	for _, m := range r.Manifests {
		out.Manifests = append(out.Manifests, Manifest{Source: m.Source, Content: m.Content})
	}
	for _, h := range r.Hooks {
		out.Hooks = append(out.Hooks, &Hook{
			Name: h.Name, Kind: h.Kind, Path: h.Source, Manifest: h.Content, Events: h.Events,
			Weight: h.Weight, DeletePolicies: h.DeletePolicies, OutputLogPolicies: h.OutputLogPolicies,
		})
	}
	for _, c := range r.CRDs {
		out.CRDs = append(out.CRDs, Manifest{Source: c.Source, Content: string(c.Content)})
	}
	return out
}
