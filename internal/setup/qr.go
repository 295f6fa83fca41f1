package setup

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// WriteQR writes text as a QR code for a terminal, two modules per
// character with Unicode half blocks (dark on a light background, with the
// quiet zone), so a phone can scan the pairing link from the screen. Error
// correction is quartile, as Home Assistant's pairing QR code.
func WriteQR(w io.Writer, text string) error {
	q, err := qrcode.New(text, qrcode.High) // level Q (25 %), quartile
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	renderHalfBlocks(bw, q.Bitmap())
	return bw.Flush()
}

// renderHalfBlocks draws a bitmap (true = dark) two rows per line: the
// upper half block shows the top module, the lower the bottom one. Light
// modules are drawn (blocks), dark ones are spaces, so the code reads on a
// dark terminal as on paper.
func renderHalfBlocks(w *bufio.Writer, bm [][]bool) {
	for y := 0; y < len(bm); y += 2 {
		for x := range bm[y] {
			top := !bm[y][x]
			bottom := true // light padding below an odd last row
			if y+1 < len(bm) {
				bottom = !bm[y+1][x]
			}
			switch {
			case top && bottom:
				w.WriteString("█")
			case top:
				w.WriteString("▀")
			case bottom:
				w.WriteString("▄")
			default:
				w.WriteString(" ")
			}
		}
		w.WriteByte('\n')
	}
}

// QRSVG draws text as a QR code in SVG (the same code as WriteQR's, with
// its quiet zone): one path of the dark modules on a white square, scaled
// by its viewBox, for a web page to show the pairing link. label is the
// image's accessible name.
func QRSVG(text, label string) (string, error) {
	q, err := qrcode.New(text, qrcode.High)
	if err != nil {
		return "", err
	}
	bm := q.Bitmap()
	var b strings.Builder
	n := len(bm)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`, n, n, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 0
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
