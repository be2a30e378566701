package deployer

import (
	"context"

	"github.com/berth-dev/berth/chartfmt"
)

// RenderSettings are the install/upgrade flags that change what a chart
// renders to: --render-subchart-notes and --post-renderer.
type RenderSettings struct {
	// SubchartNotes keeps the subcharts' NOTES.txt in the release notes.
	SubchartNotes bool
	// PostRenderer, when set, rewrites the rendered manifests as Helm v3
	// does: every non-hook manifest, joined as the release stores them,
	// goes through it; hooks and crds/ files do not.
	PostRenderer *chartfmt.PostRenderer
	// Warn receives the warnings Helm logs while rendering (may be nil).
	Warn func(format string, args ...any)
}

// ChartSourceWith is ChartSource with settings applied to every render.
func ChartSourceWith(ch *chartfmt.Chart, kubeVersion string, lookup chartfmt.Lookuper, s RenderSettings) Source {
	return Source{
		Chart: StoredChart(ch),
		Render: func(ctx context.Context, req RenderRequest) (*Rendered, error) {
			r, err := chartfmt.Render(ctx, ch, req.Values, chartfmt.RenderOptions{
				ReleaseName: req.Name, Namespace: req.Namespace, Revision: req.Revision,
				IsUpgrade: req.IsUpgrade, KubeVersion: kubeVersion, Lookup: lookup,
				SubchartNotes: s.SubchartNotes, Warn: s.Warn,
			})
			if err != nil {
				return nil, err
			}
			out := fromChartfmt(r)
			if s.PostRenderer == nil {
				return out, nil
			}
			post, err := chartfmt.PostRenderManifests(ctx, []byte(joinManifests(out.Manifests)), s.PostRenderer)
			if err != nil {
				return nil, err
			}
			// The release stores what the post-renderer wrote; documents
			// that kept their "# Source:" line keep their template path.
			out.Manifests = splitManifests(string(post))
			return out, nil
		},
	}
}
