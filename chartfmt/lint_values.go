package chartfmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml3 "go.yaml.in/yaml/v3"
)

func (l *linter) valuesFile(f *File) {
	if f == nil {
		l.add(LintInfo, ValuesFileName, 1, "file does not exist")
		return
	}
	l.valueFiles = map[string][]byte{ValuesFileName: f.Data}
	if _, err := parseValuesFile(f.Data); err != nil {
		_, line := errorLocation(err.Error(), "")
		l.add(LintError, ValuesFileName, line, "unable to parse YAML: %v", err)
	}
}

// errOffline refuses remote $refs: lint checks the schema itself, offline.
var errOffline = errors.New("remote references are not fetched by lint")

type offlineLoader struct{}

func (offlineLoader) Load(string) (any, error) { return nil, errOffline }

func (l *linter) schemaFile(f *File) {
	if f == nil {
		return
	}
	var anyDoc any
	if err := json.Unmarshal(f.Data, &anyDoc); err != nil {
		line := 1
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = 1 + bytes.Count(f.Data[:min(int(se.Offset), len(f.Data))], []byte("\n"))
		}
		l.add(LintError, SchemaFileName, line, "invalid JSON: %v", err)
		return
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(f.Data))
	if err != nil {
		l.add(LintError, SchemaFileName, 1, "invalid JSON: %v", err)
		return
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{"file": offlineLoader{}, "http": offlineLoader{}, "https": offlineLoader{}, "urn": offlineLoader{}})
	const id = "file:///values.schema.json"
	if err := c.AddResource(id, doc); err != nil {
		l.add(LintError, SchemaFileName, 1, "invalid schema: %v", err)
		return
	}
	if _, err := c.Compile(id); err != nil {
		var le *jsonschema.LoadURLError
		if errors.As(err, &le) && errors.Is(le.Err, errOffline) {
			l.add(LintInfo, SchemaFileName, 1, "remote reference %s not checked offline", le.URL)
			return
		}
		l.add(LintError, SchemaFileName, 1, "invalid schema: %v", err)
	}
}

// dependencies reports Chart.yaml dependencies that do not match charts/:
// a vendored chart nobody declared fails (as in Helm), a declared one that
// is missing or of another version is a warning.
func (l *linter) dependencies(c *Chart) {
	file := ChartFileName
	if c.Metadata.APIVersion == APIVersionV1 {
		file = RequirementsFileName
	}
	for _, p := range DependencyProblems(c) {
		switch p.Kind {
		case DependencyUndeclared: // an error in Helm's lint too
			l.add(LintError, file, 1, "%s", p.Message)
		case DependencyRange: // already reported with the Chart.yaml entry
		default:
			l.add(LintWarning, file, l.depLines[p.Name], "%s", p.Message)
		}
	}
}

// crds checks that crds/ holds only CustomResourceDefinitions. Helm v3.22.0
// does not check crds/ at all, so findings are warnings (fatal with --strict).
func (l *linter) crds(c *Chart) {
	for _, f := range c.Files {
		ext := strings.ToLower(path.Ext(f.Name))
		if !strings.HasPrefix(f.Name, "crds/") || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		dec := yaml3.NewDecoder(bytes.NewReader(f.Data))
		for {
			var doc yaml3.Node
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				_, line := errorLocation(err.Error(), "")
				l.add(LintError, f.Name, line, "unable to parse YAML: %v", err)
				break
			}
			if len(doc.Content) == 0 || doc.Content[0].Kind != yaml3.MappingNode {
				continue
			}
			fields := mappingFields(doc.Content[0])
			if api := fields["apiVersion"]; api.value == nil || !strings.HasPrefix(api.value.Value, "apiextensions.k8s.io/") {
				l.add(LintWarning, f.Name, max(api.line, doc.Content[0].Line), "apiVersion is not in 'apiextensions.k8s.io'")
			}
			if kind := fields["kind"]; kind.value == nil || kind.value.Value != "CustomResourceDefinition" {
				l.add(LintWarning, f.Name, max(kind.line, doc.Content[0].Line), "object kind is not 'CustomResourceDefinition'")
			}
		}
	}
}
