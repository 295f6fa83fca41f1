package setup

import (
	"bufio"
	"io"

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
