package cli

import (
	"io"
	"strings"
)

// helmTable writes rows the way helm's tables do (gosuri/uitable as helm
// configures it): every cell padded to its column's width, columns joined
// by a tab, cells wider than maxWidth (0 = no limit) cut with "...", a
// cell with newlines spread over several lines, and a final newline.
func helmTable(w io.Writer, maxWidth int, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for i, cell := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			cw := 0
			for _, l := range strings.Split(cell, "\n") {
				cw = max(cw, stringWidth(l))
			}
			if maxWidth > 0 && cw > maxWidth {
				cw = maxWidth
			}
			widths[i] = max(widths[i], cw)
		}
	}
	var lines []string
	for _, r := range rows {
		lines = append(lines, tableRow(r, widths))
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

func tableRow(r []string, widths []int) string {
	cells := make([][]string, len(r))
	height := 0
	for i, cell := range r {
		cells[i] = strings.Split(resizeCell(cell, widths[i]), "\n")
		height = max(height, len(cells[i]))
	}
	out := make([]string, height)
	for l := range out {
		parts := make([]string, len(r))
		for i := range r {
			if l < len(cells[i]) {
				parts[i] = resizeCell(cells[i][l], widths[i])
			} else {
				parts[i] = strings.Repeat(" ", max(widths[i]-1, 0)) + " "
			}
		}
		out[l] = strings.Join(parts, "\t")
	}
	return strings.Join(out, "\n")
}

// resizeCell pads s with spaces to width n, or cuts it to n-3 columns and
// appends "..." when it is wider.
func resizeCell(s string, n int) string {
	sw := stringWidth(s)
	if n <= 0 || sw == n {
		return s
	}
	if sw < n {
		return s + strings.Repeat(" ", n-sw)
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		b.WriteRune(r)
		rw := runeWidth(r)
		if w+rw >= n-3 {
			break
		}
		w += rw
	}
	return b.String() + "..."
}
