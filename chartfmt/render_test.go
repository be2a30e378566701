package chartfmt

import (
	"context"
	"sync"
	"testing"
)

// TestRenderConcurrentAndDeterministic renders the umbrella edge-case chart
// from one loaded Chart on several goroutines (the deployer may do so): the
// outputs are identical and the loaded chart is left untouched (run with
// -race to check the engine shares no mutable state between renders).
func TestRenderConcurrentAndDeterministic(t *testing.T) {
	ch, err := LoadDir("testdata/render/umbrella")
	if err != nil {
		t.Fatal(err)
	}
	deps := len(ch.Dependencies)
	opts := RenderOptions{ReleaseName: "rel", Namespace: "ns", KubeVersion: "1.37.2"}
	outs := make([]string, 4)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := Render(context.Background(), ch, map[string]any{"first": map[string]any{"enabled": i%2 == 0}}, opts)
			if err != nil {
				t.Error(err)
				return
			}
			outs[i], _ = r.TemplateOutput(TemplateOutputOptions{IncludeCRDs: true})
		}()
	}
	wg.Wait()
	if outs[0] == "" || outs[0] != outs[2] || outs[1] != outs[3] || outs[0] == outs[1] {
		t.Fatal("renders of the same input differ, or the condition had no effect")
	}
	if len(ch.Dependencies) != deps || ch.Metadata.Dependencies[0].Name != "sub" || ch.Metadata.Dependencies[0].Enabled {
		t.Fatal("Render modified the loaded chart")
	}
}
