package deployer

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// MaxReleaseSize is the most data a Kubernetes Secret holds (the API server
// refuses more), so the most a stored revision can take.
const MaxReleaseSize = 1 << 20

// ErrReleaseTooLarge is wrapped by the error of a release whose record would
// not fit in its Secret.
var ErrReleaseTooLarge = errors.New("release record too large")

// releaseSize reports an error naming the largest parts when r's record
// exceeds MaxReleaseSize, measured before anything is created so a release
// that cannot be recorded never touches the cluster.
func releaseSize(r *Release) error {
	if fits, err := surelyFits(r); err != nil || fits {
		return err
	}
	data, err := encodeRelease(r)
	if err != nil {
		return fmt.Errorf("encode release %s.v%d: %w", r.Name, r.Version, err)
	}
	if len(data) <= MaxReleaseSize {
		return nil
	}
	return fmt.Errorf("%w: release %q would be stored as %s, over the %s a Kubernetes Secret holds; largest parts: %s",
		ErrReleaseTooLarge, r.Name, sizeString(len(data)), sizeString(MaxReleaseSize), strings.Join(largestParts(r), ", "))
}

// surelyFits bounds the stored size cheaply, so that the exact measure (the
// slow best-compression gzip the record is written with) runs only near the
// limit: gzip at best speed compresses no better than at best compression
// (in the rare case it does, the API server still refuses the Secret), and
// base64 adds a third.
func surelyFits(r *Release) (bool, error) {
	js, err := json.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("encode release %s.v%d: %w", r.Name, r.Version, err)
	}
	if base64.StdEncoding.EncodedLen(len(js)+len(js)/100+64) <= MaxReleaseSize { // gzip's worst-case growth
		return true, nil
	}
	var n countWriter
	zw, _ := gzip.NewWriterLevel(&n, gzip.BestSpeed)
	zw.Write(js)
	zw.Close()
	return base64.StdEncoding.EncodedLen(int(n)) <= MaxReleaseSize, nil
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// largestParts measures how much each part of the record adds to it once
// encoded (the record without that part is that much smaller).
func largestParts(r *Release) []string {
	full, _ := encodeRelease(r)
	type part struct {
		name string
		size int
	}
	var parts []part
	measure := func(name string, drop func(*Release)) {
		c := *r
		if r.Chart != nil {
			ch := *r.Chart
			c.Chart = &ch
		}
		drop(&c)
		if without, err := encodeRelease(&c); err == nil {
			parts = append(parts, part{name, len(full) - len(without)})
		}
	}
	measure("manifest", func(c *Release) { c.Manifest = "" })
	measure("hooks", func(c *Release) { c.Hooks = nil })
	measure("user values", func(c *Release) { c.Config = nil })
	if r.Chart != nil {
		measure("chart templates", func(c *Release) { c.Chart.Templates = nil })
		measure("chart files", func(c *Release) { c.Chart.Files = nil })
		measure("chart values", func(c *Release) { c.Chart.Values = nil })
		measure("chart schema", func(c *Release) { c.Chart.Schema = nil })
		big := 0
		for _, f := range r.Chart.Files {
			if len(f.Data) < 64<<10 || big == 8 { // name only files that matter, boundedly
				continue
			}
			big++
			measure(f.Name, func(c *Release) {
				c.Chart.Files = nil
				for _, g := range r.Chart.Files {
					if g != f {
						c.Chart.Files = append(c.Chart.Files, g)
					}
				}
			})
		}
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].size > parts[j].size })
	var out []string
	for _, p := range parts[:min(len(parts), 4)] {
		out = append(out, fmt.Sprintf("%s %s", p.name, sizeString(p.size)))
	}
	return out
}

func sizeString(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
