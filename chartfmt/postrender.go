package chartfmt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
)

// PostRenderer is Helm v3's --post-renderer: an executable that reads the
// rendered manifests on stdin and writes the manifests to use on stdout.
// Helm v3 hands it the non-hook manifests (with `template --include-crds`,
// the CRDs first), each as "---\n# Source: <path>\n<doc>\n"; hooks are not
// post-rendered. A non-zero exit fails the operation with its stderr; the
// output is used as written (even empty).
type PostRenderer struct {
	// Path is the absolute path of the executable.
	Path string
	Args []string
}

// MaxPostRenderOutput bounds what a post-renderer may write on stdout and
// stderr (each), so a runaway program cannot exhaust memory.
const MaxPostRenderOutput = 256 << 20

// NewPostRenderer finds binary as Helm does: through $PATH when it has no
// slash, else the given path, made absolute.
func NewPostRenderer(binary string, args []string) (*PostRenderer, error) {
	p, err := exec.LookPath(binary)
	if err != nil {
		return nil, fmt.Errorf("unable to find binary at %s: %w", binary, err)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, fmt.Errorf("unable to find binary at %s: %w", binary, err)
	}
	return &PostRenderer{Path: abs, Args: args}, nil
}

// Run pipes manifests through the post-renderer. The process is killed
// when ctx ends.
func (p *PostRenderer) Run(ctx context.Context, manifests []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, p.Path, p.Args...)
	cmd.Stdin = bytes.NewReader(manifests)
	stdout := &boundedBuffer{max: MaxPostRenderOutput}
	stderr := &boundedBuffer{max: MaxPostRenderOutput}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if err == nil && (stdout.over || stderr.over) {
		err = fmt.Errorf("output exceeds %d bytes", MaxPostRenderOutput)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("error while running command %s. error output:\n%s: %w", p.Path, stderr.String(), err)
	}
	return stdout.Bytes(), nil
}

// PostRenderError is a failed post-renderer, worded as Helm words it.
type PostRenderError struct{ Err error }

func (e *PostRenderError) Error() string {
	return "error while running post render on files: " + e.Err.Error()
}

func (e *PostRenderError) Unwrap() error { return e.Err }

func postRenderError(err error) error { return &PostRenderError{Err: err} }

// boundedBuffer keeps at most max bytes and remembers that more came.
type boundedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.over = true
		return 0, errors.New("post-renderer output too large")
	}
	return b.Buffer.Write(p)
}

// PostRenderedTemplateOutput is TemplateOutput with the manifests (and with
// IncludeCRDs the CRDs) passed through pr first, as `helm template
// --post-renderer` prints them: the post-renderer's output trimmed, then
// the hooks, then --show-only applied to the whole.
func (r *Rendered) PostRenderedTemplateOutput(ctx context.Context, o TemplateOutputOptions, pr *PostRenderer) (string, error) {
	in := bytes.Buffer{}
	if o.IncludeCRDs {
		for _, c := range r.CRDs {
			fmt.Fprintf(&in, "---\n# Source: %s\n%s\n", c.Source, c.Content)
		}
	}
	for _, m := range r.Manifests {
		fmt.Fprintf(&in, "---\n# Source: %s\n%s\n", m.Source, m.Content)
	}
	out, err := pr.Run(ctx, in.Bytes())
	if err != nil {
		return "", postRenderError(err)
	}
	var b bytes.Buffer
	b.Write(bytes.TrimSpace(out))
	b.WriteByte('\n')
	if !o.NoHooks {
		for _, h := range r.Hooks {
			if o.SkipTests && h.IsTest() {
				continue
			}
			fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", h.Source, h.Content)
		}
	}
	if len(o.ShowOnly) == 0 {
		return b.String(), nil
	}
	return showOnly(b.String(), o.ShowOnly)
}

// PostRenderManifests runs the manifests of an install or upgrade through
// pr, as Helm v3 does (no CRDs, no hooks), and returns its output.
func PostRenderManifests(ctx context.Context, manifests []byte, pr *PostRenderer) ([]byte, error) {
	out, err := pr.Run(ctx, manifests)
	if err != nil {
		return nil, postRenderError(err)
	}
	return out, nil
}
