package chartfmt

import (
	"io"
	"strings"
	"unicode/utf8"
)

// runeScanner reads runes from a string with one step of unread.
type runeScanner struct {
	s        string
	pos      int
	lastSize int
}

func (r *runeScanner) read() (rune, bool) {
	if r.pos >= len(r.s) {
		r.lastSize = 0
		return 0, false
	}
	c, size := utf8.DecodeRuneInString(r.s[r.pos:])
	r.pos += size
	r.lastSize = size
	return c, true
}

func (r *runeScanner) unread() {
	r.pos -= r.lastSize
	r.lastSize = 0
}

func (r *runeScanner) rest() string { return r.s[r.pos:] }

func (r *runeScanner) skip(n int) {
	r.pos = min(r.pos+n, len(r.s))
	r.lastSize = 0
}

// until reads up to (and consumes) one of the stop runes. With escapes, a
// backslash takes the next rune literally. At the end of input it returns
// what it read and io.EOF.
func (r *runeScanner) until(stop string, escapes bool) ([]rune, rune, error) {
	v := []rune{}
	for {
		c, ok := r.read()
		switch {
		case !ok:
			return v, 0, io.EOF
		case strings.ContainsRune(stop, c):
			return v, c, nil
		case escapes && c == '\\':
			next, ok := r.read()
			if !ok {
				return v, 0, io.EOF
			}
			v = append(v, next)
		default:
			v = append(v, c)
		}
	}
}
