package chartfmt

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

// tplFunc renders text as a template named "gotpl" that sees every define
// of t. Helm clones the whole template set per call so that defines in the
// text stay local; that clone dominates render time on tpl-heavy charts.
// Text without actions is returned as is, and text that defines nothing is
// parsed once and executed inside t itself (equivalent: it adds no names).
// Only text that may define templates takes Helm's clone path.
func (e *engine) tplFunc(t *template.Template) func(string, any) (string, error) {
	return func(text string, data any) (string, error) {
		if !strings.Contains(text, "{{") {
			return strings.ReplaceAll(text, noValue, ""), nil
		}
		if strings.Contains(text, "define") || strings.Contains(text, "block") {
			return e.tplClone(t, text, data)
		}
		tree, err := e.tplTree(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		nt, err := t.New("gotpl").AddParseTree("gotpl", tree)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		buf := ctxWriter{ctx: e.ctx}
		if err := nt.Execute(&buf, data); err != nil {
			return "", &tplExecError{text: text, err: err}
		}
		return strings.ReplaceAll(buf.String(), noValue, ""), nil
	}
}

func (e *engine) tplTree(text string) (*parse.Tree, error) {
	if tree, ok := e.tplTrees[text]; ok {
		return tree, nil
	}
	trees, err := parse.Parse("gotpl", text, "", "", e.funcs, builtinFuncNames)
	if err != nil {
		return nil, err
	}
	tree := trees["gotpl"]
	if tree == nil || len(trees) != 1 {
		return nil, fmt.Errorf("template: gotpl: unexpected definitions")
	}
	e.tplTrees[text] = tree
	return tree, nil
}

// tplClone is Helm's tpl: clone the set, rebind include/tpl to the clone.
func (e *engine) tplClone(parent *template.Template, text string, data any) (string, error) {
	t, err := parent.Clone()
	if err != nil {
		return "", fmt.Errorf("cannot clone template: %w", err)
	}
	t.Option(e.missingKey())
	t.Funcs(template.FuncMap{"include": e.includeFunc(t), "tpl": e.tplFunc(t)})
	t, err = t.New(parent.Name()).Parse(text)
	if err != nil {
		return "", fmt.Errorf("cannot parse template %q: %w", text, err)
	}
	buf := ctxWriter{ctx: e.ctx}
	if err := t.Execute(&buf, data); err != nil {
		return "", &tplExecError{text: text, err: err}
	}
	return strings.ReplaceAll(buf.String(), noValue, ""), nil
}

// builtinFuncNames are text/template's predefined functions; parse.Parse
// needs their names to accept them.
var builtinFuncNames = func() map[string]any {
	m := map[string]any{}
	for _, n := range []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or",
		"print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"} {
		m[n] = fmt.Sprint // any non-nil value: parse only checks the name
	}
	return m
}()

// tplExecError is "error during tpl function execution for <text>: <err>",
// formatted only when printed. In nested tpl/include recursion every level
// wraps the one below; formatting each level eagerly kept every level's
// full message alive at once (quadratic memory, above Helm's, whose error
// wrapping is lazy too).
type tplExecError struct {
	text string
	err  error
}

func (e *tplExecError) Error() string {
	return "error during tpl function execution for " + strconv.Quote(e.text) + ": " + e.err.Error()
}

func (e *tplExecError) Unwrap() error { return e.err }
