package chartfmt

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"sigs.k8s.io/yaml"
)

// What `show` can print, as `helm show` names it.
const (
	ShowChart  = "chart"
	ShowValues = "values"
	ShowReadme = "readme"
	ShowCRDs   = "crds"
	ShowAll    = "all"
)

// readmeNames are the file names Helm takes for a README (case-insensitive),
// in order of preference.
var readmeNames = []string{"readme.md", "readme.txt", "readme"}

// Show renders what `helm show <what>` prints for a local chart, byte for
// byte: Chart.yaml re-serialised, values.yaml as written, the README, the
// crds/ files of the chart and its subcharts, or all of them.
func Show(c *Chart, what string) ([]byte, error) {
	var out bytes.Buffer
	all := what == ShowAll
	switch what {
	case ShowChart, ShowValues, ShowReadme, ShowCRDs, ShowAll:
	default:
		return nil, fmt.Errorf("show: unknown output %q (want chart, values, readme, crds or all)", what)
	}
	if what == ShowChart || all {
		data, err := yaml.Marshal(c.Metadata)
		if err != nil {
			return nil, fmt.Errorf("show chart: %w", err)
		}
		fmt.Fprintf(&out, "%s\n", data)
	}
	if (what == ShowValues || all) && hasValuesDoc(c) {
		if all {
			out.WriteString("---\n")
		}
		fmt.Fprintf(&out, "%s\n", c.RawValues)
	}
	if what == ShowReadme || all {
		if readme := findReadme(c); readme != nil {
			if all {
				out.WriteString("---\n")
			}
			fmt.Fprintf(&out, "%s\n", readme.Data)
		}
	}
	if what == ShowCRDs || all {
		crds := CRDFiles(c)
		if all && len(crds) > 0 {
			out.WriteString("---\n")
		}
		for _, f := range crds {
			fmt.Fprintf(&out, "%s\n", f.Data)
		}
	}
	return out.Bytes(), nil
}

// hasValuesDoc mirrors Helm v3.22.0: values are shown whenever values.yaml
// exists, even empty or only comments.
func hasValuesDoc(c *Chart) bool { return c.RawValues != nil }

func findReadme(c *Chart) *File {
	for _, want := range readmeNames {
		for _, f := range c.Files {
			if strings.EqualFold(f.Name, want) {
				return f
			}
		}
	}
	return nil
}

// CRDFiles returns the crds/*.yaml|yml|json files of c and then of its
// subcharts (recursively, in subchart order), named by their path from the
// root chart's directory (charts/<sub>/crds/x.yaml). They are never templated.
func CRDFiles(c *Chart) []*File {
	var out []*File
	var walk func(c *Chart, prefix string)
	walk = func(c *Chart, prefix string) {
		for _, f := range c.Files {
			ext := strings.ToLower(path.Ext(f.Name))
			if strings.HasPrefix(f.Name, "crds/") && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
				out = append(out, &File{Name: prefix + f.Name, Data: f.Data, ModTime: f.ModTime})
			}
		}
		for _, sc := range c.Dependencies {
			walk(sc, prefix+ChartsDir+sc.Name()+"/")
		}
	}
	walk(c, "")
	return out
}
