package chartfmt

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Names of the files a chart's root may hold that are not ordinary Files.
const (
	ChartFileName        = "Chart.yaml"
	LockFileName         = "Chart.lock"
	ValuesFileName       = "values.yaml"
	SchemaFileName       = "values.schema.json"
	RequirementsFileName = "requirements.yaml"
	RequirementsLockName = "requirements.lock"
	TemplatesDir         = "templates/"
	ChartsDir            = "charts/"
)

// Load loads a chart from a directory or a .tgz file.
func Load(name string) (*Chart, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	if fi.IsDir() {
		return LoadDir(name)
	}
	return LoadArchiveFile(name)
}

// LoadFiles builds a chart from its files, named by slash paths relative to
// the chart root. It classifies them as Helm v3.22.0 does, loads subcharts
// from charts/ (directories and .tgz files, recursively) and validates the
// metadata. Templates and Files come out in walk order (path segments
// compared lexically), subcharts sorted by name.
func LoadFiles(files []*File) (*Chart, error) {
	b := newLoadBudget()
	for _, f := range files {
		b.bytes -= int64(len(f.Data))
		b.entries--
	}
	return loadFiles(files, b)
}

func loadFiles(files []*File, b *loadBudget) (*Chart, error) {
	c := &Chart{Values: map[string]any{}}
	subFiles := map[string][]*File{}
	if err := loadMetadata(c, files); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := classify(c, f, subFiles); err != nil {
			return nil, err
		}
	}
	if err := c.Metadata.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", ChartFileName, err)
	}
	sortFiles(c.Templates)
	sortFiles(c.Files)
	subs, err := loadSubcharts(subFiles, b)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", c.Name(), err)
	}
	for _, sc := range subs {
		c.AddDependency(sc)
	}
	return c, nil
}

// loadMetadata reads Chart.yaml first, wherever it is in files, because the
// classification of requirements.* depends on the apiVersion.
func loadMetadata(c *Chart, files []*File) error {
	for _, f := range files {
		if f.Name != ChartFileName {
			continue
		}
		md := &Metadata{}
		if err := yaml.Unmarshal(f.Data, md); err != nil {
			return fmt.Errorf("cannot load %s: %w", ChartFileName, err)
		}
		if md.APIVersion == "" {
			md.APIVersion = APIVersionV1 // Helm 2 charts may omit it
		}
		c.Metadata = md
	}
	if c.Metadata == nil {
		return fmt.Errorf("%s file is missing", ChartFileName)
	}
	return nil
}

func classify(c *Chart, f *File, subFiles map[string][]*File) error {
	switch {
	case f.Name == ChartFileName:
	case f.Name == LockFileName:
		c.Lock = &Lock{}
		if err := yaml.Unmarshal(f.Data, c.Lock); err != nil {
			return fmt.Errorf("cannot load %s: %w", f.Name, err)
		}
	case f.Name == ValuesFileName:
		vals, err := parseValuesFile(f.Data)
		if err != nil {
			return fmt.Errorf("cannot load %s: %w", f.Name, err)
		}
		c.Values, c.RawValues = vals, f.Data
	case f.Name == SchemaFileName:
		c.Schema = f.Data
	case f.Name == RequirementsFileName:
		// v1 dependencies; Helm merges them into the metadata whatever the apiVersion.
		if err := yaml.Unmarshal(f.Data, c.Metadata); err != nil {
			return fmt.Errorf("cannot load %s: %w", f.Name, err)
		}
		if c.Metadata.APIVersion == APIVersionV1 {
			c.Files = append(c.Files, f)
		}
	case f.Name == RequirementsLockName:
		c.Lock = &Lock{}
		if err := yaml.Unmarshal(f.Data, c.Lock); err != nil {
			return fmt.Errorf("cannot load %s: %w", f.Name, err)
		}
		if c.Metadata.APIVersion == APIVersionV1 {
			c.Files = append(c.Files, f)
		}
	case strings.HasPrefix(f.Name, TemplatesDir):
		c.Templates = append(c.Templates, f)
	case strings.HasPrefix(f.Name, ChartsDir):
		if path.Ext(f.Name) == ".prov" {
			c.Files = append(c.Files, f)
			return nil
		}
		rel := strings.TrimPrefix(f.Name, ChartsDir)
		entry, _, _ := strings.Cut(rel, "/")
		subFiles[entry] = append(subFiles[entry], &File{Name: rel, Data: f.Data, ModTime: f.ModTime})
	default:
		c.Files = append(c.Files, f)
	}
	return nil
}

// parseValuesFile reads values.yaml as Helm 3 does: only the first YAML
// document counts (Helm 4 merges them all).
func parseValuesFile(data []byte) (map[string]any, error) {
	vals := map[string]any{}
	if err := unmarshalYAMLMap(data, &vals); err != nil {
		return nil, err
	}
	if vals == nil {
		vals = map[string]any{}
	}
	return vals, nil
}

// loadSubcharts loads every entry of charts/ (grouped by its first path
// component) and returns them sorted by chart name, then version, then entry.
func loadSubcharts(subFiles map[string][]*File, b *loadBudget) ([]*Chart, error) {
	if len(subFiles) > 0 {
		if b.depth++; b.depth > MaxChartDepth {
			return nil, fmt.Errorf("charts are nested more than %d levels deep", MaxChartDepth)
		}
		defer func() { b.depth-- }()
	}
	entries := make([]string, 0, len(subFiles))
	for n := range subFiles {
		entries = append(entries, n)
	}
	sort.Strings(entries)
	type loaded struct {
		entry string
		chart *Chart
	}
	var subs []loaded
	for _, n := range entries {
		if strings.IndexAny(n, "_.") == 0 {
			continue // Helm skips _foo and .foo
		}
		sc, err := loadSubchart(n, subFiles[n], b)
		if err != nil {
			return nil, fmt.Errorf("subchart %s%s: %w", ChartsDir, n, err)
		}
		subs = append(subs, loaded{n, sc})
	}
	sort.SliceStable(subs, func(i, j int) bool {
		x, y := subs[i].chart.Metadata, subs[j].chart.Metadata
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		if x.Version != y.Version {
			return x.Version < y.Version
		}
		return subs[i].entry < subs[j].entry
	})
	out := make([]*Chart, len(subs))
	for i, s := range subs {
		out[i] = s.chart
	}
	return out, nil
}

func loadSubchart(entry string, files []*File, b *loadBudget) (*Chart, error) {
	if path.Ext(entry) == ".tgz" {
		if len(files) != 1 || files[0].Name != entry {
			return nil, fmt.Errorf("expected a .tgz file, found a directory")
		}
		return loadArchive(bytes.NewReader(files[0].Data), b)
	}
	inner := make([]*File, 0, len(files))
	for _, f := range files {
		_, rest, ok := strings.Cut(f.Name, "/")
		if !ok {
			continue // a plain file in charts/: it yields "Chart.yaml file is missing" below
		}
		inner = append(inner, &File{Name: rest, Data: f.Data, ModTime: f.ModTime})
	}
	return loadFiles(inner, b)
}

// sortFiles orders files as a lexical directory walk visits them: path
// segments compared one by one, so "a/b" comes before "a-c".
func sortFiles(files []*File) {
	sort.SliceStable(files, func(i, j int) bool { return walkLess(files[i].Name, files[j].Name) })
}

func walkLess(a, b string) bool {
	for {
		ha, ra, moreA := strings.Cut(a, "/")
		hb, rb, moreB := strings.Cut(b, "/")
		if ha != hb {
			return ha < hb
		}
		if !moreA || !moreB {
			return !moreA && moreB
		}
		a, b = ra, rb
	}
}
