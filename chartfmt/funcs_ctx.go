package chartfmt

import (
	"context"
	"strings"
	"text/template"
)

// A render must stop soon after its context is cancelled (Ctrl-C, SIGTERM,
// a deadline), even in a runaway template. text/template has no hook for
// that, so the engine checks the context where runaway work happens: every
// write of template output (ctxWriter), and inside the sprig functions that
// build huge values in one call (until, untilStep, repeat). Results are the
// same as sprig's.

// ctxCheckEvery is how many loop steps run between context checks.
const ctxCheckEvery = 1 << 16

// ctxWriter is a strings.Builder whose writes fail once ctx is done
// (checked every 64 writes: a runaway loop writes far more often).
type ctxWriter struct {
	ctx context.Context
	n   uint
	strings.Builder
}

func (w *ctxWriter) Write(p []byte) (int, error) {
	if err := w.check(); err != nil {
		return 0, err
	}
	return w.Builder.Write(p)
}

func (w *ctxWriter) WriteString(s string) (int, error) {
	if err := w.check(); err != nil {
		return 0, err
	}
	return w.Builder.WriteString(s)
}

func (w *ctxWriter) check() error {
	if w.n++; w.n%64 != 0 {
		return nil
	}
	return w.ctx.Err()
}

// bindCtxFuncs replaces until, untilStep and repeat with versions that
// check ctx while they build their result.
func bindCtxFuncs(ctx context.Context, funcs template.FuncMap) {
	funcs["until"] = func(count int) ([]int, error) {
		if count < 0 {
			return untilStepCtx(ctx, 0, count, -1)
		}
		return untilStepCtx(ctx, 0, count, 1)
	}
	funcs["untilStep"] = func(start, stop, step int) ([]int, error) { return untilStepCtx(ctx, start, stop, step) }
	funcs["repeat"] = func(count int, str string) (string, error) { return repeatCtx(ctx, count, str) }
}

// untilStepCtx is sprig's untilStep.
func untilStepCtx(ctx context.Context, start, stop, step int) ([]int, error) {
	v := []int{}
	if stop < start {
		if step >= 0 {
			return v, nil
		}
		for i := start; i > stop; i += step {
			if len(v)%ctxCheckEvery == ctxCheckEvery-1 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			v = append(v, i)
		}
		return v, nil
	}
	if step <= 0 {
		return v, nil
	}
	for i := start; i < stop; i += step {
		if len(v)%ctxCheckEvery == ctxCheckEvery-1 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		v = append(v, i)
	}
	return v, nil
}

// repeatCtx is strings.Repeat(str, count) (which panics on a negative or
// overflowing count, as sprig's repeat does), built in chunks when large.
func repeatCtx(ctx context.Context, count int, str string) (string, error) {
	const chunk = 1 << 20
	if count <= 0 || len(str) == 0 || len(str) > chunk || count > (1<<62)/len(str) || len(str)*count <= chunk {
		return strings.Repeat(str, count), nil
	}
	per := chunk / len(str)
	block := strings.Repeat(str, per)
	var b strings.Builder
	b.Grow(len(str) * count)
	for done := 0; done < count; done += per {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		if count-done < per {
			b.WriteString(block[:(count-done)*len(str)])
			break
		}
		b.WriteString(block)
	}
	return b.String(), nil
}
