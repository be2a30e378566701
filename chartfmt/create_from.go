package chartfmt

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"sigs.k8s.io/yaml"
)

// starterNamePlaceholder is what Helm's starters write for the new chart's
// name.
const starterNamePlaceholder = "<CHARTNAME>"

// CreateFrom writes a new chart named after the last element of dir from a
// Helm starter (a chart directory or archive), as `helm create --starter`
// does: Chart.yaml is a new v2 chart's (version 0.1.0, appVersion 0.1.0,
// type application), <CHARTNAME> in the templates and values.yaml is
// replaced by the name, other files, values.schema.json and subcharts
// (written as archives under charts/) are copied as they are. Files the
// starter's .helmignore names are left out. Like Create, the chart
// appears whole or not at all.
func CreateFrom(dir, starterPath string) (string, error) {
	st, err := Load(starterPath)
	if err != nil {
		return "", fmt.Errorf("could not load %s: %w", starterPath, err)
	}
	return create(dir, func(name string) ([]*File, error) { return starterFilesFrom(st, name) })
}

func starterFilesFrom(st *Chart, name string) ([]*File, error) {
	meta := &Metadata{Name: name, Description: "A Helm chart for Kubernetes", Type: "application",
		Version: "0.1.0", AppVersion: "0.1.0", APIVersion: "v2"}
	chartYAML, err := yaml.Marshal(meta)
	if err != nil {
		return nil, err
	}
	transform := func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte(starterNamePlaceholder), []byte(name))
	}
	files := []*File{{Name: ChartFileName, Data: chartYAML}}
	if st.RawValues != nil {
		files = append(files, &File{Name: ValuesFileName, Data: transform(st.RawValues)})
	}
	if st.Schema != nil {
		files = append(files, &File{Name: SchemaFileName, Data: st.Schema})
	}
	for _, t := range st.Templates {
		files = append(files, &File{Name: t.Name, Data: transform(t.Data)})
	}
	for _, f := range st.Files {
		files = append(files, &File{Name: f.Name, Data: f.Data})
	}
	for _, d := range st.Dependencies {
		data, err := Package(d, PackageOptions{})
		if err != nil {
			return nil, fmt.Errorf("saving %s: %w", d.Name(), err)
		}
		files = append(files, &File{Name: path.Join(strings.TrimSuffix(ChartsDir, "/"), d.Name()+"-"+d.Metadata.Version+".tgz"), Data: data})
	}
	return files, nil
}
