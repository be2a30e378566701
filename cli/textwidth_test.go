package cli

import (
	"testing"

	"github.com/mattn/go-runewidth"
)

// helm's tables measure cells with go-runewidth; berth's width must agree
// with it on the scripts chart names and descriptions are written in. Runes
// whose width changed with Unicode 16 (a few symbols) follow Go's tables.
func TestRuneWidthMatchesRunewidth(t *testing.T) {
	cond := runewidth.NewCondition()
	cond.EastAsianWidth = false
	ranges := []struct {
		name     string
		from, to rune
	}{
		{"ASCII and Latin-1", 0x00, 0xff},
		{"Latin, Greek, Cyrillic", 0x100, 0x52f},
		{"combining diacritical marks", 0x300, 0x36f},
		{"Arabic", 0x600, 0x6ff},
		{"Devanagari", 0x900, 0x97f},
		{"Hangul Jamo", 0x1100, 0x11ff},
		{"general punctuation (zero-width joiners, marks)", 0x2000, 0x206f},
		{"CJK symbols, kana", 0x3000, 0x30ff},
		{"CJK unified ideographs", 0x4e00, 0x9fff},
		{"Hangul syllables", 0xac00, 0xd7a3},
		{"half- and full-width forms", 0xff00, 0xffef},
		{"emoticons", 0x1f600, 0x1f64f},
	}
	for _, rg := range ranges {
		for r := rg.from; r <= rg.to; r++ {
			if got, want := runeWidth(r), cond.RuneWidth(r); got != want {
				t.Errorf("%s: runeWidth(%U %q) = %d, go-runewidth %d", rg.name, r, r, got, want)
			}
		}
	}
	if got := stringWidth("名前 chart ✓"); got != 12 {
		t.Errorf("stringWidth of a CJK cell = %d, want 12", got)
	}
}
