package cli

import (
	"unicode"

	"golang.org/x/text/width"
)

// Column widths for helm-style tables. golang.org/x/text/width has static
// tables; go-runewidth (what helm's uitable uses) builds a 2 MiB lookup
// table in its init, ~20 ms of every berth start-up for a table only
// `search repo` prints.

// zeroWidthFormat are the format characters go-runewidth counts as 0
// columns (soft hyphen, zero-width space and joiners, bidi controls, BOM,
// interlinear annotation); the other format characters count 1.
var zeroWidthFormat = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x00ad, Hi: 0x00ad, Stride: 1}, {Lo: 0x070f, Hi: 0x070f, Stride: 1}, {Lo: 0x180e, Hi: 0x180e, Stride: 1},
	{Lo: 0x200b, Hi: 0x200f, Stride: 1}, {Lo: 0x202a, Hi: 0x202e, Stride: 1}, {Lo: 0x206a, Hi: 0x206f, Stride: 1},
	{Lo: 0xfeff, Hi: 0xfeff, Stride: 1}, {Lo: 0xfff9, Hi: 0xfffb, Stride: 1},
}}

// runeWidth is the number of terminal columns r takes: 0 for control,
// combining, line/paragraph separator and zero-width format characters, 2 for East Asian wide and
// full-width ones, 1 otherwise (ambiguous ones count 1, as outside East
// Asian locales) — go-runewidth's rules, on Go's Unicode tables.
func runeWidth(r rune) int {
	switch {
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Zl, unicode.Zp):
		return 0
	case unicode.Is(zeroWidthFormat, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

func stringWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}
