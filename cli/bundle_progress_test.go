package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/berth-dev/berth/oci/image"
)

func TestBarPrinter(t *testing.T) {
	var buf bytes.Buffer
	p := &barPrinter{w: &buf, active: map[string]*image.Event{}}
	ev := image.Event{Repository: "reg/ns/app", Digest: "sha256:0123456789abcdef0123", Size: 4 << 20}
	for _, e := range []struct {
		kind  image.EventKind
		bytes int64
	}{{image.BlobStart, 0}, {image.BlobProgress, 2 << 20}, {image.BlobDone, 4 << 20}} {
		ev.Kind, ev.Bytes = e.kind, e.bytes
		p.event(ev)
	}
	out := buf.String()
	for _, want := range []string{
		"sha256:0123456789ab [" + strings.Repeat(" ", 30) + "] app 0 B/4.0 MiB\n",
		"\033[1A\033[J", // the bar block is redrawn in place
		"pushed  reg/ns/app sha256:0123456789ab (4.0 MiB)\n",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%q", want, out)
		}
	}
	if p.drawn != 0 || len(p.active) != 0 {
		t.Fatalf("after the last blob: %d lines drawn, %d active", p.drawn, len(p.active))
	}
}
