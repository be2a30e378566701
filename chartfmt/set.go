package chartfmt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// The --set family of flags: name=value pairs separated by commas, dotted
// names for nesting, name[i] for list items, {a,b} for lists, `\` escapes.
// The grammar, the type inference and the error texts follow Helm v3.22.0's
// strvals package.

// Limits on --set input, as Helm's.
const (
	maxSetIndex       = 65536
	maxSetNestedLevel = 30
)

var errNotList = errors.New("not a list")

// ParseSet parses a --set value into dest, inferring types: true/false,
// null, and decimal integers without a leading zero become bool, nil and
// int64; everything else stays a string.
func ParseSet(s string, dest map[string]any) error {
	return newSetParser(s, dest, setTyped).parse()
}

// ParseSetString parses a --set-string value: every value is a string.
func ParseSetString(s string, dest map[string]any) error {
	return newSetParser(s, dest, setString).parse()
}

// ParseSetFile parses a --set-file value: each value is a path that read
// turns into the value.
func ParseSetFile(s string, dest map[string]any, read func(path string) (any, error)) error {
	p := newSetParser(s, dest, setTyped)
	p.reader = func(rs []rune) (any, error) { return read(string(rs)) }
	return p.parse()
}

// ParseSetJSON parses a --set-json value: each value is a JSON document.
func ParseSetJSON(s string, dest map[string]any) error {
	p := newSetParser(s, dest, setTyped)
	p.json = true
	return p.parse()
}

// ParseSetLiteral parses a --set-literal value: one name, and everything
// after the first '=' is the string value, commas and backslashes included.
func ParseSetLiteral(s string, dest map[string]any) error {
	p := newSetParser(s, dest, setString)
	p.literal = true
	return p.parse()
}

type setMode int

const (
	setTyped setMode = iota
	setString
)

type setParser struct {
	sc      *runeScanner
	data    map[string]any
	reader  func([]rune) (any, error)
	json    bool
	literal bool
}

func newSetParser(s string, dest map[string]any, mode setMode) *setParser {
	return &setParser{
		sc:   &runeScanner{s: s},
		data: dest,
		reader: func(rs []rune) (any, error) {
			return inferSetValue(string(rs), mode == setString), nil
		},
	}
}

func (p *setParser) parse() error {
	for {
		err := p.key(p.data, 0)
		if err == nil {
			continue
		}
		if err == io.EOF {
			return nil
		}
		return err
	}
}

// key reads one name (and its value) into data. Helm turns panics from
// conflicting shapes (a list where a map is, …) into errors here; so do we.
func (p *setParser) key(data map[string]any, level int) (reterr error) {
	defer func() {
		if r := recover(); r != nil {
			reterr = fmt.Errorf("unable to parse key: %s", r)
		}
	}()
	stops := ",.=["
	if p.literal {
		stops = ".=["
	}
	k, last, err := p.sc.until(stops, !p.literal)
	switch {
	case err != nil:
		if len(k) == 0 {
			return err
		}
		return fmt.Errorf("key %q has no value", string(k))
	case last == '[':
		i, err := p.index()
		if err != nil {
			return fmt.Errorf("error parsing index: %w", err)
		}
		name := string(k)
		list := []any{}
		if _, ok := data[name]; ok {
			list = data[name].([]any)
		}
		list, err = p.listItem(list, i, level)
		setKey(data, name, list)
		return err
	case last == '=':
		return p.assign(func(v any) error { setKey(data, string(k), v); return nil }, true)
	case last == ',':
		setKey(data, string(k), "")
		return fmt.Errorf("key %q has no value (cannot end with ,)", string(k))
	default: // '.'
		level++
		if level > maxSetNestedLevel {
			return fmt.Errorf("value name nested level is greater than maximum supported nested level of %d", maxSetNestedLevel)
		}
		inner := map[string]any{}
		if _, ok := data[string(k)]; ok {
			inner = data[string(k)].(map[string]any)
		}
		e := p.key(inner, level)
		if e == nil && len(inner) == 0 {
			return fmt.Errorf("key map %q has no value", string(k))
		}
		if len(inner) != 0 {
			setKey(data, string(k), inner)
		}
		return e
	}
}

// assign reads the value after '=' and stores it with set. atKey tells
// whether the value belongs to a name (EOF is then returned to stop
// parsing) or to a list index.
func (p *setParser) assign(set func(any) error, atKey bool) error {
	if p.literal {
		rest := p.sc.rest()
		p.sc.skip(len(rest))
		return set(string([]rune(rest)))
	}
	if p.json {
		return p.assignJSON(set)
	}
	vl, e := p.valList()
	switch e {
	case nil:
		return set(vl)
	case io.EOF:
		if err := set(""); err != nil {
			return err
		}
		if atKey {
			return e
		}
		return nil
	case errNotList:
		rs, _, e := p.sc.until(",", true)
		if e != nil && e != io.EOF {
			return e
		}
		v, rerr := p.reader(rs)
		if !atKey && rerr != nil {
			return rerr
		}
		if err := set(v); err != nil {
			return err
		}
		if atKey {
			return rerr
		}
		return nil
	default:
		return e
	}
}

func (p *setParser) assignJSON(set func(any) error) error {
	if p.emptyVal() {
		return set(nil)
	}
	dec := json.NewDecoder(strings.NewReader(p.sc.rest()))
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if err := set(v); err != nil {
		return err
	}
	p.sc.skip(int(dec.InputOffset()))
	p.emptyVal()
	return nil
}

func setKey(data map[string]any, key string, val any) {
	if key == "" {
		return
	}
	data[key] = val
}

func setListIndex(list []any, index int, val any) ([]any, error) {
	if index < 0 {
		return list, fmt.Errorf("negative %d index not allowed", index)
	}
	if index > maxSetIndex {
		return list, fmt.Errorf("index of %d is greater than maximum supported index of %d", index, maxSetIndex)
	}
	if len(list) <= index {
		grown := make([]any, index+1)
		copy(grown, list)
		list = grown
	}
	list[index] = val
	return list, nil
}

func (p *setParser) index() (int, error) {
	v, _, err := p.sc.until("]", !p.literal)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(v))
}

func (p *setParser) listItem(list []any, i, level int) ([]any, error) {
	if i < 0 {
		return list, fmt.Errorf("negative %d index not allowed", i)
	}
	k, last, err := p.sc.until("[.=", !p.literal)
	switch {
	case len(k) > 0:
		return list, fmt.Errorf("unexpected data at end of array index: %q", k) // []rune, as Helm prints it
	case err != nil:
		return list, err
	case last == '=':
		var out []any
		err := p.assign(func(v any) error {
			var e error
			out, e = setListIndex(list, i, v)
			return e
		}, false)
		if out == nil {
			out = list
		}
		return out, err
	case last == '[':
		next, err := p.index()
		if err != nil {
			return list, fmt.Errorf("error parsing index: %w", err)
		}
		var cur []any
		if len(list) > i && list[i] != nil {
			cur = list[i].([]any)
		}
		inner, err := p.listItem(cur, next, level)
		if err != nil {
			return list, err
		}
		return setListIndex(list, i, inner)
	default: // '.'
		inner := map[string]any{}
		if len(list) > i {
			m, ok := list[i].(map[string]any)
			if !ok {
				m = map[string]any{}
				list[i] = m
			}
			inner = m
		}
		if err := p.key(inner, level); err != nil {
			return list, err
		}
		return setListIndex(list, i, inner)
	}
}

// emptyVal skips blanks and reports whether the value is empty (end of
// input or a comma).
func (p *setParser) emptyVal() bool {
	for {
		r, ok := p.sc.read()
		if !ok || r == ',' {
			return true
		}
		if !unicode.IsSpace(r) {
			p.sc.unread()
			return false
		}
	}
}

// valList reads {a,b,c}; errNotList when the value does not start with '{'.
func (p *setParser) valList() ([]any, error) {
	r, ok := p.sc.read()
	if !ok {
		return []any{}, io.EOF
	}
	if r != '{' {
		p.sc.unread()
		return []any{}, errNotList
	}
	list := []any{}
	for {
		rs, last, err := p.sc.until(",}", true)
		switch {
		case err != nil:
			if err == io.EOF {
				err = errors.New("list must terminate with '}'")
			}
			return list, err
		case last == '}':
			if r, ok := p.sc.read(); ok && r != ',' {
				p.sc.unread()
			}
			v, e := p.reader(rs)
			list = append(list, v)
			return list, e
		default:
			v, e := p.reader(rs)
			if e != nil {
				return list, e
			}
			list = append(list, v)
		}
	}
}

// inferSetValue types a --set value.
func inferSetValue(val string, asString bool) any {
	if asString {
		return val
	}
	switch {
	case strings.EqualFold(val, "true"):
		return true
	case strings.EqualFold(val, "false"):
		return false
	case strings.EqualFold(val, "null"):
		return nil
	case val == "0":
		return int64(0)
	}
	if len(val) != 0 && val[0] != '0' {
		if iv, err := strconv.ParseInt(val, 10, 64); err == nil {
			return iv
		}
	}
	return val
}
