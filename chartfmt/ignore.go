package chartfmt

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// IgnoreFile is the file at a chart's root that lists paths to leave out when
// loading the chart from a directory.
const IgnoreFile = ".helmignore"

// IgnoreRules are the parsed patterns of a .helmignore file. They follow Helm
// v3.22.0's semantics, quirks included, because the same directory must
// yield the same chart in berth and in helm:
//   - rules are tried in file order and the first match wins;
//   - a negated rule "!p" ignores every path that does NOT match p (and every
//     non-directory when p ends in "/"), and only falls through on a match —
//     this is not gitignore semantics;
//   - "**" is an error;
//   - a rule with a leading "/" or any "/" is matched against the whole
//     relative path, otherwise against the base name only.
type IgnoreRules struct {
	rules []ignoreRule
}

type ignoreRule struct {
	glob     string // pattern without "!" and trailing "/"
	negate   bool
	dirOnly  bool
	fullPath bool // match against the whole path instead of the base name
}

// templatesDotfiles is always appended: dotfiles under templates/ are never
// part of a chart (Helm's AddDefaults).
const templatesDotfiles = "templates/.?*"

// ParseIgnore reads .helmignore rules from r. name is used in errors.
func ParseIgnore(name string, r io.Reader) (*IgnoreRules, error) {
	rules := &IgnoreRules{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Bytes()
		if line == 1 {
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		if err := rules.add(string(text)); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rules, nil
}

// DefaultIgnoreRules returns the rules applied when a chart has no .helmignore.
func DefaultIgnoreRules() *IgnoreRules {
	r := &IgnoreRules{}
	r.addDefaults()
	return r
}

func (r *IgnoreRules) addDefaults() {
	_ = r.add(templatesDotfiles)
}

func (r *IgnoreRules) add(text string) error {
	text = strings.TrimSpace(text)
	if text == "" || strings.HasPrefix(text, "#") {
		return nil
	}
	if strings.Contains(text, "**") {
		return errors.New("double-star (**) syntax is not supported")
	}
	// A non-empty name forces path.Match to parse the whole pattern.
	if _, err := path.Match(text, "abc"); err != nil {
		return fmt.Errorf("bad pattern %q: %w", text, err)
	}
	rule := ignoreRule{}
	if strings.HasPrefix(text, "!") {
		rule.negate = true
		text = text[1:]
	}
	if strings.HasSuffix(text, "/") {
		rule.dirOnly = true
		text = strings.TrimSuffix(text, "/")
	}
	if strings.HasPrefix(text, "/") {
		rule.fullPath = true
		text = strings.TrimPrefix(text, "/")
	} else if strings.Contains(text, "/") {
		rule.fullPath = true
	}
	rule.glob = text
	r.rules = append(r.rules, rule)
	return nil
}

// Ignore reports whether the slash-separated relative path p (a directory
// when isDir) is excluded.
func (r *IgnoreRules) Ignore(p string, isDir bool) bool {
	if p == "" || p == "." || p == "./" {
		return false
	}
	for _, rule := range r.rules {
		if rule.negate {
			if rule.dirOnly && !isDir {
				return true
			}
			if !rule.matches(p) {
				return true
			}
			continue
		}
		if rule.dirOnly && !isDir {
			continue
		}
		if rule.matches(p) {
			return true
		}
	}
	return false
}

func (rule ignoreRule) matches(p string) bool {
	name := p
	if !rule.fullPath {
		name = path.Base(p)
	}
	ok, err := path.Match(rule.glob, name)
	return err == nil && ok
}
