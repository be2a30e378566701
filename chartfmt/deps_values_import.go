package chartfmt

import (
	"fmt"
	"strings"
)

// processImportValuesTree imports values children first.
func processImportValuesTree(c *Chart, warn func(string, ...any)) error {
	for _, d := range c.Dependencies {
		if err := processImportValuesTree(d, warn); err != nil {
			return err
		}
	}
	return processImportValues(c, warn)
}

// processImportValues rewrites c.Values to its defaults merged with its
// subcharts' (nulls kept), plus the imported tables under the chart's own
// values. Both import-values forms are normalised to {child, parent}.
func processImportValues(c *Chart, warn func(string, ...any)) error {
	if c.Metadata.Dependencies == nil {
		return nil
	}
	merger := coalescer{merge: true, warn: warn}
	cvals, err := merger.values(c, nil)
	if err != nil {
		return err
	}
	imported := map[string]any{}
	for _, r := range c.Metadata.Dependencies {
		if r == nil {
			continue
		}
		var out []any
		for _, riv := range r.ImportValues {
			var child, parent string
			switch iv := riv.(type) {
			case map[string]any:
				child, parent = fmt.Sprintf("%v", iv["child"]), fmt.Sprintf("%v", iv["parent"])
			case string:
				child, parent = "exports."+iv, "."
			default:
				continue
			}
			out = append(out, map[string]string{"child": child, "parent": parent})
			table, err := cvals.Table(r.Name + "." + child)
			if err != nil {
				if _, isMap := riv.(map[string]any); isMap {
					warnf(warn, "Warning: ImportValues missing table from chart %s: %v", r.Name, err)
				} else {
					warnf(warn, "Warning: ImportValues missing table: %v", err)
				}
				continue
			}
			imported = merger.tables(imported, pathToMap(parent, table.AsMap()), "")
		}
		r.ImportValues = out
	}
	c.Values = merger.tables(deepCopyMap(cvals), imported, "")
	return nil
}

// pathToMap nests data under the dotted path ("." is the root).
func pathToMap(path string, data map[string]any) map[string]any {
	if path == "." {
		return data
	}
	keys := strings.Split(path, ".")
	cur := data
	for i := len(keys) - 1; i >= 0; i-- {
		cur = map[string]any{keys[i]: cur}
	}
	return cur
}
