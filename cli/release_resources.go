package cli

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/deployer"
)

// writeResources prints status --show-resources' section as helm (and
// kubectl get) print it: "==> v1/Kind" and each object's Table from the API
// server, then a blank line per group. One printer serves every group, so
// a table whose columns equal the previous one's prints no header, and
// each Table is aligned on its own.
func writeResources(w io.Writer, groups []deployer.ResourceGroup) {
	if len(groups) == 0 {
		return
	}
	var buf bytes.Buffer
	p := &tablePrinter{}
	for _, g := range groups {
		fmt.Fprintf(&buf, "==> %s\n", g.Key)
		for _, t := range g.Tables {
			p.print(&buf, t)
		}
		buf.WriteString("\n")
	}
	fmt.Fprintf(w, "RESOURCES:\n%s\n", buf.String())
}

// tablePrinter remembers the last columns it printed a header for.
type tablePrinter struct {
	lastColumns    []metav1.TableColumnDefinition
	printedHeaders bool
}

func (p *tablePrinter) print(w io.Writer, t *metav1.Table) {
	noHeaders := p.printedHeaders && (len(t.ColumnDefinitions) == 0 || reflect.DeepEqual(t.ColumnDefinitions, p.lastColumns))
	columns := t.ColumnDefinitions
	if len(columns) == 0 {
		columns = p.lastColumns
	} else if !reflect.DeepEqual(columns, p.lastColumns) {
		p.lastColumns = columns
		p.printedHeaders = false
	}
	if len(t.Rows) == 0 {
		return // no header either
	}
	p.printedHeaders = true
	// kubectl's layout: cells at least 6 wide, 3 spaces apart; only the
	// default (priority 0) columns.
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
	defer tw.Flush()
	var line []string
	if !noHeaders {
		for _, c := range columns {
			if c.Priority == 0 {
				line = append(line, strings.ToUpper(c.Name))
			}
		}
		fmt.Fprintln(tw, strings.Join(line, "\t"))
	}
	for _, row := range t.Rows {
		line = line[:0]
		for i, cell := range row.Cells {
			if i >= len(columns) {
				break // more cells than columns: a bad server answer
			}
			if columns[i].Priority != 0 {
				continue
			}
			line = append(line, cellText(cell))
		}
		fmt.Fprintln(tw, strings.Join(line, "\t"))
	}
}

// cellText prints a cell as kubectl does: cut at the first line break
// (marked "..."), escape sequences made visible.
func cellText(cell any) string {
	if cell == nil {
		return ""
	}
	s, ok := cell.(string)
	if !ok {
		s = fmt.Sprint(cell)
	}
	if i := strings.IndexAny(s, "\f\n\r"); i >= 0 {
		s = s[:i] + "..."
	}
	return strings.ReplaceAll(s, "\x1b", "^[")
}
