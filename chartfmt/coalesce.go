package chartfmt

import "fmt"

// Coalescing merges a chart's default values under the values given from
// above (the user, or a parent chart), recursively into subcharts, and copies
// globals downwards. It follows Helm v3.22.0 (pkg/chartutil/coalesce.go
// semantics, see notes §3.4):
//   - maps merge recursively, the higher value wins, lists and scalars replace;
//   - in coalesce mode a null from above deletes the key; a nested null only
//     deletes when it overrides a non-null default (v3.21+), otherwise the
//     null is kept;
//   - in merge mode (dependency processing) nulls are kept;
//   - globals are copied shallowly into each subchart's `global`, parent wins.
//
// Warnings Helm logs go to warn (may be nil).

type coalescer struct {
	merge bool
	warn  func(format string, args ...any)
}

func (c coalescer) warnf(format string, args ...any) {
	if c.warn != nil {
		c.warn(format, args...)
	}
}

// CoalesceValues returns a deep copy of vals with ch's defaults (and its
// subcharts') coalesced under it.
func CoalesceValues(ch *Chart, vals map[string]any) (Values, error) {
	return coalescer{}.values(ch, vals)
}

// MergeValues is CoalesceValues that keeps nulls (Helm's merge mode).
func MergeValues(ch *Chart, vals map[string]any) (Values, error) {
	return coalescer{merge: true}.values(ch, vals)
}

func (c coalescer) values(ch *Chart, vals map[string]any) (Values, error) {
	dest := deepCopyMap(vals)
	if dest == nil {
		dest = map[string]any{}
	}
	out, err := c.chart(ch, dest, "")
	return out, err
}

func (c coalescer) chart(ch *Chart, dest map[string]any, prefix string) (map[string]any, error) {
	c.defaults(ch, dest, prefix)
	return c.deps(ch, dest, prefix)
}

func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// deps coalesces every subchart's section, after copying globals into it.
func (c coalescer) deps(ch *Chart, dest map[string]any, prefix string) (map[string]any, error) {
	for _, sub := range ch.Dependencies {
		name := sub.Name()
		cur, ok := dest[name]
		if !ok {
			cur = map[string]any{}
			dest[name] = cur
		}
		subVals, ok := cur.(map[string]any)
		if !ok {
			return dest, fmt.Errorf("type mismatch on %s: %t", name, cur)
		}
		subPrefix := joinKey(prefix, ch.Name())
		c.globals(subVals, dest, subPrefix)
		out, err := c.chart(sub, subVals, subPrefix)
		dest[name] = out
		if err != nil {
			return dest, err
		}
	}
	return dest, nil
}

// globals copies src's global table into dest's, the parent (src) winning.
func (c coalescer) globals(dest, src map[string]any, prefix string) {
	var dg, sg map[string]any
	if g, ok := dest[GlobalKey]; !ok {
		dg = map[string]any{}
	} else if dg, ok = g.(map[string]any); !ok {
		c.warnf("warning: skipping globals because destination %s is not a table.", GlobalKey)
		return
	}
	if g, ok := src[GlobalKey]; !ok {
		sg = map[string]any{}
	} else if sg, ok = g.(map[string]any); !ok {
		c.warnf("warning: skipping globals because source %s is not a table.", GlobalKey)
		return
	}
	for key, val := range sg {
		if table, ok := val.(map[string]any); ok {
			// A shallow copy, as Helm does: nested tables stay shared.
			vv := make(map[string]any, len(table))
			for k, v := range table {
				vv[k] = v
			}
			destv, exists := dg[key]
			if !exists {
				dg[key] = vv
				continue
			}
			destTable, ok := destv.(map[string]any)
			if !ok {
				c.warnf("Conflict: cannot merge map onto non-map for %q. Skipping.", key)
				continue
			}
			coalescer{merge: true, warn: c.warn}.tables(vv, destTable, joinKey(prefix, key))
			dg[key] = vv
		} else if dv, ok := dg[key]; ok && isTable(dv) {
			c.warnf("key %s is table. Skipping", key)
		} else {
			dg[key] = val
		}
	}
	dest[GlobalKey] = dg
}

// defaults merges a deep copy of ch's default values under v.
func (c coalescer) defaults(ch *Chart, v map[string]any, prefix string) {
	subPrefix := joinKey(prefix, ch.Name())
	for key, def := range deepCopyMap(ch.Values) {
		have, ok := v[key]
		if !ok {
			v[key] = def
			continue
		}
		if have == nil && !c.merge {
			delete(v, key)
			continue
		}
		dest, ok := have.(map[string]any)
		if !ok {
			continue
		}
		src, ok := def.(map[string]any)
		if !ok {
			if def != nil {
				c.warnf("warning: skipped value for %s.%s: Not a table.", subPrefix, key)
			}
			continue
		}
		sub := c
		if ch.hasDependency(key) {
			// A subchart's section keeps its nulls here; its own chart
			// defaults decide later.
			sub.merge = true
		}
		sub.tables(dest, src, joinKey(subPrefix, key))
	}
}

func (ch *Chart) hasDependency(name string) bool {
	for _, d := range ch.Dependencies {
		if d.Name() == name {
			return true
		}
	}
	return false
}

// tables merges src under dst (dst wins) and returns dst. src is modified:
// it is always a private copy.
func (c coalescer) tables(dst, src map[string]any, prefix string) map[string]any {
	if src == nil {
		return dst
	}
	if dst == nil {
		return src
	}
	srcNonNil := make(map[string]bool, len(src))
	for k, v := range src {
		if v != nil {
			srcNonNil[k] = true
		}
	}
	for k, v := range dst {
		if v == nil {
			src[k] = nil
		}
	}
	for key, val := range src {
		full := joinKey(prefix, key)
		dv, ok := dst[key]
		switch {
		case ok && !c.merge && dv == nil && srcNonNil[key]:
			delete(dst, key)
		case !ok:
			dst[key] = val
		case isTable(val):
			if dt, isT := dv.(map[string]any); isT {
				c.tables(dt, val.(map[string]any), full)
			} else {
				c.warnf("warning: cannot overwrite table with non table for %s (%v)", full, val)
			}
		case isTable(dv) && val != nil:
			c.warnf("warning: destination for %s is a table. Ignoring non-table value (%v)", full, val)
		}
	}
	return dst
}

// CoalesceTables merges src under dst, deleting keys nulled in dst.
func CoalesceTables(dst, src map[string]any) map[string]any {
	return coalescer{}.tables(dst, src, "")
}

// MergeTables merges src under dst, keeping nulls.
func MergeTables(dst, src map[string]any) map[string]any {
	return coalescer{merge: true}.tables(dst, src, "")
}

// deepCopyMap copies maps and lists recursively; scalars are immutable.
func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case Values:
		return deepCopyMap(t)
	case []any:
		if t == nil {
			return t
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopyValue(e)
		}
		return out
	default:
		return v
	}
}
