package display

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Cell is one table cell: its text and how it is coloured.
type Cell struct {
	Text string
	code string
}

// Text is a plain cell.
func Text(s string) Cell { return Cell{Text: Clean(s)} }

// Good is a cell of something that works.
func Good(s string) Cell { return Cell{Text: Clean(s), code: green} }

// Bad is a cell of something that fails.
func Bad(s string) Cell { return Cell{Text: Clean(s), code: red} }

// Faint is a cell of secondary detail.
func Faint(s string) Cell { return Cell{Text: Clean(s), code: dim} }

// Table lines columns up by the width a person sees, whatever colours the
// cells carry (tabwriter would count the escape sequences).
type Table struct {
	style  Style
	header []string
	rows   [][]Cell
}

// NewTable returns a table with the given column headings.
func (s Style) NewTable(header ...string) *Table {
	return &Table{style: s, header: header}
}

// Row adds a row.
func (t *Table) Row(cells ...Cell) { t.rows = append(t.rows, cells) }

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// WriteTo writes the table, two spaces between columns, the last column
// unpadded.
func (t *Table) WriteTo(w io.Writer) (int64, error) {
	widths := make([]int, len(t.header))
	for i, h := range t.header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c.Text))
			}
		}
	}
	var b strings.Builder
	line := func(cells []Cell) {
		for len(cells) > 0 && cells[len(cells)-1].Text == "" {
			cells = cells[:len(cells)-1] // no trailing blanks
		}
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			text := c.Text
			if i < len(cells)-1 && i < len(widths) {
				text += strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.Text))
			}
			if c.code != "" && c.Text != "" {
				text = t.style.paint(c.code, c.Text) + text[len(c.Text):]
			}
			b.WriteString(text)
		}
		b.WriteByte('\n')
	}
	head := make([]Cell, len(t.header))
	for i, h := range t.header {
		head[i] = Cell{Text: h, code: bold}
	}
	line(head)
	for _, r := range t.rows {
		line(r)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
