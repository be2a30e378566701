package chartfmt

import (
	"encoding/base64"
	"path"
	"sort"
	"strings"

	"github.com/gobwas/glob"
	"sigs.k8s.io/yaml"
)

// Files is `.Files` in templates: a chart's non-template files by path. It
// is a map, like Helm's, so `range $path, $data := .Files.Glob "x/*"` walks
// paths in sorted order.
type Files map[string][]byte

// NewFiles returns the Files of a chart (its Files, not its templates,
// values.yaml or Chart.yaml, as in Helm).
func NewFiles(files []*File) Files {
	out := make(Files, len(files))
	for _, f := range files {
		out[f.Name] = f.Data
	}
	return out
}

// GetBytes returns the file's content, or an empty slice if it is absent.
func (f Files) GetBytes(name string) []byte {
	if data, ok := f[name]; ok {
		return data
	}
	return []byte{}
}

// Get returns the file's content as a string, or "" if it is absent.
func (f Files) Get(name string) string { return string(f.GetBytes(name)) }

// Glob returns the files whose path matches pattern (gobwas/glob syntax with
// "/" as separator; like Helm, an invalid pattern matches everything).
func (f Files) Glob(pattern string) Files {
	g, err := glob.Compile(pattern, '/')
	if err != nil {
		g, _ = glob.Compile("**")
	}
	out := Files{}
	for name, data := range f {
		if g.Match(name) {
			out[name] = data
		}
	}
	return out
}

// AsConfig renders the files as the data of a ConfigMap: base names to
// contents, as YAML. When two paths share a base name the lexically last
// path wins (Helm leaves that to map iteration order, so it varies per run).
func (f Files) AsConfig() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for _, name := range f.sortedNames() {
		m[path.Base(name)] = string(f[name])
	}
	return filesYAML(m)
}

// AsSecrets renders the files as the data of a Secret: base names to
// base64-encoded contents, as YAML (collisions resolved as in AsConfig).
func (f Files) AsSecrets() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for _, name := range f.sortedNames() {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(f[name])
	}
	return filesYAML(m)
}

func (f Files) sortedNames() []string {
	names := make([]string, 0, len(f))
	for name := range f {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Lines splits a file into lines, dropping one trailing newline.
func (f Files) Lines(name string) []string {
	data, ok := f[name]
	if !ok || data == nil {
		return []string{}
	}
	s := strings.TrimSuffix(string(data), "\n")
	return strings.Split(s, "\n")
}

// filesYAML marshals like Helm's toYaml: "" on error, no trailing newline.
func filesYAML(v any) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}
