package chartfmt

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
)

// The template engine: Helm v3.22.0's pkg/engine semantics (notes §2).
// Every template of every enabled chart is parsed into one namespace, keyed
// by its full path ("parent/charts/sub/templates/x.yaml"); parse and
// execution order is deepest path first, then descending lexical order, so
// the shallowest copy of a `define` wins. Each chart's files share one
// mutable context map, as in Helm, because templates can observe it.

// Lookuper answers the `lookup` template function. Offline rendering
// passes none and `lookup` returns an empty map, as `helm template` does.
type Lookuper interface {
	Lookup(ctx context.Context, apiVersion, kind, namespace, name string) (map[string]any, error)
}

const (
	errStart        = "HELM_ERR_START"
	errEnd          = "HELM_ERR_END"
	maxIncludeDepth = 1000
	noValue         = "<no value>"
)

var wrappedErr = regexp.MustCompile(errStart + `((?s).*)` + errEnd)

type renderable struct {
	text     string
	vals     map[string]any // the chart's shared context
	basePath string
}

type engine struct {
	// strict makes missing keys errors (lint --strict); lint makes
	// required and fail report through warn instead of failing (helm lint).
	strict, lint bool
	warn         func(string, ...any)
	ctx          context.Context
	lookup       Lookuper
	included     map[string]int // include depth per name, shared by tpl clones
	funcs        template.FuncMap
	// current is the text of the template file being executed.
	current string
	// tplTrees caches parsed tpl texts that define nothing (see tplFunc).
	tplTrees map[string]*parse.Tree
}

func newEngine(ctx context.Context, lookup Lookuper) *engine {
	return &engine{ctx: ctx, lookup: lookup, included: map[string]int{}, tplTrees: map[string]*parse.Tree{}}
}

// parse parses every template into one namespace named "gotpl", in Helm's
// order. The texts are parsed concurrently (parsing is pure); the trees are
// then added in order, so later defines win exactly as in Helm.
func (e *engine) parse(tpls map[string]renderable) (root *template.Template, keys []string, err error) {
	root = template.New("gotpl").Option(e.missingKey())
	e.funcs = baseFuncMap()
	newMemo().bind(e.funcs)
	bindCtxFuncs(e.ctx, e.funcs)
	e.bind(root, e.funcs)
	keys = sortTemplateKeys(tpls)
	bindCertFuncs(e.funcs, newRSAKeyPool(func() string { return e.current }))
	root.Funcs(e.funcs)
	skip := redundantPartials(keys, tpls)
	results := make([]map[string]*parse.Tree, len(keys))
	errs := make([]error, len(keys))
	parallelFor(len(keys), func(i int) {
		if skip[i] == 0 {
			results[i], errs[i] = parse.Parse(keys[i], tpls[keys[i]].text, "", "", e.funcs, builtinFuncNames)
		}
	})
	for i, name := range keys {
		if skip[i] != 0 {
			// A skipped copy fails exactly when its parsed twin does; it
			// comes first, so it is the file Helm names.
			if errs[skip[i]] != nil {
				_, err := parse.Parse(name, tpls[name].text, "", "", e.funcs, builtinFuncNames)
				return nil, nil, parseError(name, err)
			}
			continue
		}
		if errs[i] != nil {
			return nil, nil, parseError(name, errs[i])
		}
		ft := root.New(name)
		for n, tree := range results[i] {
			if _, err := ft.AddParseTree(n, tree); err != nil {
				return nil, nil, parseError(name, err)
			}
		}
	}
	return root, keys, nil
}

// redundantPartials marks partials ("_" files, never executed) whose text
// is repeated by a file parsed later — typically a library such as
// bitnami/common vendored at several depths. The later copy redefines the
// same names, so the earlier parse can have no effect and is skipped. The
// result holds, for each skipped file, the index of its parsed twin (0 for
// files that are parsed; a twin is always later, so never index 0).
func redundantPartials(keys []string, tpls map[string]renderable) []int {
	skip := make([]int, len(keys))
	seen := map[string]int{}
	for i := len(keys) - 1; i >= 0; i-- {
		text := tpls[keys[i]].text
		if twin, ok := seen[text]; ok && strings.HasPrefix(path.Base(keys[i]), "_") {
			skip[i] = twin
			continue
		}
		seen[text] = i
	}
	return skip
}

// execute runs every non-partial template and returns its output by key.
func (e *engine) execute(root *template.Template, keys []string, tpls map[string]renderable) (out map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rendering template failed: %v", r)
		}
	}()
	out = make(map[string]string, len(keys))
	buf := ctxWriter{ctx: e.ctx}
	for _, name := range keys {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		if err := e.ctx.Err(); err != nil {
			return nil, err
		}
		r := tpls[name]
		e.current = r.text
		r.vals["Template"] = Values{"Name": name, "BasePath": r.basePath}
		buf.Reset()
		if err := root.ExecuteTemplate(&buf, name, r.vals); err != nil {
			if cerr := e.ctx.Err(); cerr != nil {
				return nil, cerr
			}
			return nil, execError(name, err)
		}
		out[name] = strings.ReplaceAll(buf.String(), noValue, "")
	}
	return out, nil
}

func (e *engine) missingKey() string {
	if e.strict {
		return "missingkey=error"
	}
	return "missingkey=zero"
}

// bind sets the functions that belong to one template set into funcs.
func (e *engine) bind(t *template.Template, funcs template.FuncMap) {
	funcs["include"] = e.includeFunc(t)
	funcs["tpl"] = e.tplFunc(t)
	funcs["required"] = func(msg string, val any) (any, error) {
		if s, isStr := val.(string); val != nil && (!isStr || s != "") {
			return val, nil
		}
		if e.lint {
			warnf(e.warn, "[INFO] Missing required value: %s", msg)
			return "", nil
		}
		return val, errors.New(errStart + msg + errEnd)
	}
	funcs["fail"] = func(msg string) (string, error) {
		if e.lint {
			warnf(e.warn, "[INFO] Fail: %s", msg)
			return "", nil
		}
		return "", errors.New(errStart + msg + errEnd)
	}
	funcs["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]any, error) {
		if e.lookup == nil {
			return map[string]any{}, nil
		}
		return e.lookup.Lookup(e.ctx, apiVersion, kind, namespace, name)
	}
}

func (e *engine) includeFunc(t *template.Template) func(string, any) (string, error) {
	return func(name string, data any) (string, error) {
		if e.included[name] > maxIncludeDepth {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
		}
		e.included[name]++
		buf := ctxWriter{ctx: e.ctx}
		err := t.ExecuteTemplate(&buf, name, data)
		e.included[name]--
		return buf.String(), err
	}
}

// parseError rewrites text/template's parse error as Helm reports it.
func parseError(name string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", name, err)
	}
	return fmt.Errorf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}

// execError turns required/fail errors into "execution error at (loc): msg".
func execError(name string, err error) error {
	if !isExecError(err) {
		return err
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Errorf("execution error in (%s): %s", name, err)
	}
	if parts := wrappedErr.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
		return fmt.Errorf("execution error at (%s): %s", tokens[1], parts[1])
	}
	return err
}

// isExecError reports whether err itself (not a wrapped cause) is an
// ExecError, as Helm's type assertion checks.
func isExecError(err error) bool {
	_, ok := err.(template.ExecError)
	return ok
}

// sortTemplateKeys orders keys deepest path first, then descending.
func sortTemplateKeys(tpls map[string]renderable) []string {
	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
		if ca != cb {
			return ca > cb
		}
		return a > b
	})
	return keys
}
