package deployer

import "github.com/berth-dev/berth/chartfmt"

// This file is the only place that knows chartfmt's shapes: it turns a loaded
// chart into the stored chart of a release.

// StoredChart is the part of a chart Helm keeps in each release: the parent
// chart only, without subcharts.
func StoredChart(c *chartfmt.Chart) *Chart {
	if c == nil {
		return nil
	}
	values := c.Values
	if values == nil {
		values = map[string]any{}
	}
	return &Chart{
		Metadata:  c.Metadata,
		Lock:      c.Lock,
		Templates: storedFiles(c.Templates),
		Values:    values,
		Schema:    c.Schema,
		Files:     storedFiles(c.Files),
	}
}

func storedFiles(fs []*chartfmt.File) []*File {
	if len(fs) == 0 {
		return nil // Helm writes null, not []
	}
	out := make([]*File, 0, len(fs))
	for _, f := range fs {
		out = append(out, &File{Name: f.Name, Data: f.Data})
	}
	return out
}
