package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci/image"
)

// blobProgress prints image blob events to stderr: one bar per blob in
// flight on a terminal (redrawn at most 10 times a second), one line per
// finished blob otherwise, nothing with --quiet.
func blobProgress(c *ucli.Context) func(image.Event) {
	if quietEnabled(c) {
		return nil
	}
	w := c.App.ErrWriter
	if isTTY(w) {
		return (&barPrinter{w: w, active: map[string]*image.Event{}}).event
	}
	var mu sync.Mutex
	return func(e image.Event) {
		if e.Kind != image.BlobDone {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, doneLine(e))
	}
}

func doneLine(e image.Event) string {
	verb := "pushed"
	switch {
	case e.Exported:
		verb = "exported"
	case e.Mounted:
		verb = "mounted"
	case e.Bytes == 0:
		verb = "exists"
	}
	return fmt.Sprintf("%-7s %s %s (%s)", verb, e.Repository, shortDigest(e.Digest), humanBytes(e.Size))
}

// barPrinter redraws the block of bars in place.
type barPrinter struct {
	mu     sync.Mutex
	w      io.Writer
	active map[string]*image.Event
	drawn  int
	last   time.Time
}

func (b *barPrinter) event(e image.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := e.Repository + "@" + e.Digest
	if e.Kind == image.BlobDone {
		delete(b.active, key)
		b.clear()
		fmt.Fprintln(b.w, doneLine(e))
		b.draw()
		return
	}
	b.active[key] = &e
	if time.Since(b.last) < 100*time.Millisecond && e.Kind == image.BlobProgress {
		return
	}
	b.clear()
	b.draw()
}

func (b *barPrinter) clear() {
	if b.drawn > 0 {
		fmt.Fprintf(b.w, "\033[%dA\033[J", b.drawn)
	}
	b.drawn = 0
}

func (b *barPrinter) draw() {
	keys := make([]string, 0, len(b.active))
	for k := range b.active {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e := b.active[k]
		fmt.Fprintf(b.w, "%s %s %s %s/%s\n", shortDigest(e.Digest), bar(e.Bytes, e.Size, 30),
			lastPart(e.Repository), humanBytes(e.Bytes), humanBytes(e.Size))
	}
	b.drawn, b.last = len(keys), time.Now()
}

func bar(n, total int64, width int) string {
	filled := width
	if total > 0 {
		filled = int(min(n, total) * int64(width) / total)
	}
	return "[" + strings.Repeat("=", filled) + strings.Repeat(" ", width-filled) + "]"
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}

func lastPart(repo string) string { return repo[strings.LastIndex(repo, "/")+1:] }

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
