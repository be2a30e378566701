package chartfmt

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A runaway template stops soon after the context is cancelled.
func TestRenderStopsOnCancel(t *testing.T) {
	for name, tpl := range map[string]string{
		"range-until":       `{{ range until 2000000000 }}x{{ end }}`,
		"range-in-include":  `{{ define "loop" }}{{ range until 2000000000 }}y{{ end }}{{ end }}{{ include "loop" . }}`,
		"range-small-until": `{{ range $i := until 100000000 }}{{ $i }}{{ end }}`,
		"repeat":            `{{ repeat 2000000000 "x" }}`,
		"untilStep":         `{{ len (untilStep 0 2000000000 1) }}`,
		"tpl":               `{{ tpl "{{ range until 2000000000 }}z{{ end }}" . }}`,
	} {
		t.Run(name, func(t *testing.T) {
			ch := &Chart{Metadata: &Metadata{APIVersion: "v2", Name: "runaway", Version: "0.1.0"},
				Templates: []*File{{Name: "templates/x.yaml", Data: []byte(tpl)}}}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := Render(ctx, ch, map[string]any{}, RenderOptions{ReleaseName: "rel", Namespace: "ns"})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want the context's error", err)
			}
			if d := time.Since(start); d > time.Second+50*time.Millisecond {
				t.Fatalf("render took %s after a 50ms deadline", d)
			}
		})
	}
}

// The context-aware functions give sprig's results.
func TestCtxFuncsMatchSprig(t *testing.T) {
	ctx := context.Background()
	for _, c := range [][3]int{{0, 5, 1}, {0, -5, -1}, {5, 0, 1}, {0, 5, 0}, {0, 10, 3}, {10, 0, -4}, {0, 200000, 1}} {
		got, err := untilStepCtx(ctx, c[0], c[1], c[2])
		want := sprigUntilStep(c[0], c[1], c[2])
		if err != nil || len(got) != len(want) || (len(got) > 0 && got[len(got)-1] != want[len(want)-1]) {
			t.Errorf("untilStep%v = %d items, want %d", c, len(got), len(want))
		}
	}
	for _, c := range []struct {
		n int
		s string
	}{{3, "ab"}, {0, "x"}, {1 << 21, "abc"}, {(1 << 20) + 7, "x"}, {5, ""}} {
		got, err := repeatCtx(ctx, c.n, c.s)
		if want := sprigRepeat(c.n, c.s); err != nil || got != want {
			t.Errorf("repeat %d %q: %d bytes, want %d", c.n, c.s, len(got), len(want))
		}
	}
}

func sprigUntilStep(start, stop, step int) []int {
	return baseFuncMap()["untilStep"].(func(int, int, int) []int)(start, stop, step)
}

func sprigRepeat(n int, s string) string {
	return baseFuncMap()["repeat"].(func(int, string) string)(n, s)
}
