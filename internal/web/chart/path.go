package chart

import (
	"math"
	"strconv"
)

// draw feeds a series' visible points, mapped into the plot, through a
// decimator into d: the value at Start first (from the last point at or
// before it), then each point up to End. An unavailable value ends the line
// (a step series holds its value up to that point) and the next available
// one starts a new line; a step series holds its last value until End.
func draw(d *pathWriter, p *plot, s *prepared) {
	dec := decimator{out: d, left: p.left, right: p.right}
	pts := s.Points
	if s.from > 0 {
		if v := pts[s.from-1].V; valid(v) {
			dec.point(p.left, p.yOf(v))
		}
	}
	for _, pt := range pts[s.from:s.to] {
		x := p.x(pt.T)
		if !valid(pt.V) {
			if s.Step && dec.open {
				dec.point(x, dec.lastY)
			}
			dec.end()
			continue
		}
		dec.point(x, p.yOf(pt.V))
	}
	if s.Step && dec.open {
		dec.point(p.right, dec.lastY)
	}
	dec.end()
}

// decimator thins a line to a few points per unit of x (a pixel column at
// the viewBox's scale), so that a week of 10-second samples becomes a few
// thousand points while its peaks survive. A column with one or two points
// passes through unchanged. A column with more is drawn at its left edge as
// its lowest and highest points in time order, plus its first point when the
// line comes from further than the previous column and its last when the
// line goes on further than the next: where the data is dense the
// neighbouring columns join it closely enough, and where it is not the line
// still enters and leaves at the right values.
type decimator struct {
	out         *pathWriter
	left, right float64

	open    bool    // a line is in progress
	lastY   float64 // the last y given, for holding a step's value
	prevCol int     // the column last drawn in this line, or -2

	col                         int // the column being gathered
	n                           int // points in it
	first, lo, hi, last         xy
	firstI, loI, hiI, lastI, ix int
}

type xy struct{ x, y float64 }

func (d *decimator) column(x float64) int {
	c := int(x - d.left)
	if x >= d.right {
		c = int(d.right-d.left) - 1
	}
	return max(c, 0)
}

func (d *decimator) point(x, y float64) {
	c := d.column(x)
	if !d.open {
		d.prevCol = -2
	}
	if d.n > 0 && c != d.col {
		d.flush(c)
	}
	pt := xy{x, y}
	if d.n == 0 {
		d.col = c
		d.first, d.lo, d.hi = pt, pt, pt
		d.firstI, d.loI, d.hiI = d.ix, d.ix, d.ix
	}
	// y grows downwards: the lowest value has the largest y.
	if y > d.lo.y {
		d.lo, d.loI = pt, d.ix
	}
	if y < d.hi.y {
		d.hi, d.hiI = pt, d.ix
	}
	d.last, d.lastI = pt, d.ix
	d.n++
	d.ix++
	d.open = true
	d.lastY = y
}

// flush draws the gathered column; next is the column of the point that
// follows, or -1 at the end of the line.
func (d *decimator) flush(next int) {
	switch d.n {
	case 0:
		return
	case 1:
		d.out.point(d.first.x, d.first.y)
	case 2:
		d.out.point(d.first.x, d.first.y)
		d.out.point(d.last.x, d.last.y)
	default:
		type indexed struct {
			i int
			y float64
		}
		var sel [4]indexed
		k := 0
		if d.prevCol < d.col-1 {
			sel[k] = indexed{d.firstI, d.first.y}
			k++
		}
		sel[k], sel[k+1] = indexed{d.loI, d.lo.y}, indexed{d.hiI, d.hi.y}
		if d.hiI < d.loI {
			sel[k], sel[k+1] = sel[k+1], sel[k]
		}
		k += 2
		if next < 0 || next > d.col+1 {
			sel[k] = indexed{d.lastI, d.last.y}
			k++
		}
		x := d.left + float64(d.col)
		prev := -1
		for _, p := range sel[:k] {
			if p.i != prev {
				d.out.point(x, p.y)
				prev = p.i
			}
		}
	}
	d.prevCol = d.col
	d.n = 0
}

func (d *decimator) end() {
	d.flush(-1)
	d.out.end()
	d.open = false
	d.ix = 0
}

// pathWriter writes the d attribute of a line in tenths of a unit: M to
// start each line, then L (H or V when one coordinate repeats), or for a
// step series H to the new time then V to the new value.
type pathWriter struct {
	step   bool
	buf    []byte
	segs   []segment
	open   bool
	moves  int   // commands after M in the current line
	x, y   int64 // the current point, in tenths
	lastH  int   // offset of the last command if it was a lone H, else -1
	start  int   // offset of the current line in buf
	startX int64
}

// segment is one continuous line in buf.
type segment struct {
	from, to int
	x        int64 // where it starts, in tenths
}

func (w *pathWriter) reset(step bool) {
	w.step = step
	w.buf = w.buf[:0]
	w.segs = w.segs[:0]
	w.open = false
}

func (w *pathWriter) point(fx, fy float64) {
	x, y := tenths(fx), tenths(fy)
	if !w.open {
		w.open, w.moves, w.start, w.startX = true, 0, len(w.buf), x
		w.buf = append(w.buf, 'M')
		w.buf = appendInt10(w.buf, x)
		w.buf = append(w.buf, ' ')
		w.buf = appendInt10(w.buf, y)
		w.x, w.y, w.lastH = x, y, -1
		return
	}
	switch {
	case x == w.x && y == w.y:
		return
	case y == w.y:
		// A run of H at one height (time only moves on) is one H.
		if w.lastH >= 0 {
			w.buf = w.buf[:w.lastH]
		}
		w.lastH = len(w.buf)
		w.buf = append(w.buf, 'H')
		w.buf = appendInt10(w.buf, x)
	case w.step || x == w.x:
		if x != w.x {
			if w.lastH >= 0 {
				w.buf = w.buf[:w.lastH]
			}
			w.buf = append(w.buf, 'H')
			w.buf = appendInt10(w.buf, x)
		}
		w.buf = append(w.buf, 'V')
		w.buf = appendInt10(w.buf, y)
		w.lastH = -1
	default:
		w.lastH = -1
		w.buf = append(w.buf, 'L')
		w.buf = appendInt10(w.buf, x)
		w.buf = append(w.buf, ' ')
		w.buf = appendInt10(w.buf, y)
	}
	w.x, w.y = x, y
	w.moves++
}

func (w *pathWriter) end() {
	if !w.open {
		return
	}
	if w.moves == 0 {
		// A lone point: a zero-length line, which round caps draw as a dot.
		w.buf = append(w.buf, "h0"...)
	}
	w.segs = append(w.segs, segment{w.start, len(w.buf), w.startX})
	w.open = false
}

// area is the d attribute of the region between each line and the baseline
// y (given formatted).
func (w *pathWriter) area(base []byte) []byte {
	out := make([]byte, 0, len(w.buf)+len(w.segs)*24)
	for _, s := range w.segs {
		out = append(out, w.buf[s.from:s.to]...)
		out = append(out, 'V')
		out = append(out, base...)
		out = append(out, 'H')
		out = appendInt10(out, s.x)
		out = append(out, 'Z')
	}
	return out
}

// tenths rounds v to a tenth, as an integer count of tenths.
func tenths(v float64) int64 { return int64(math.Round(v * 10)) }

// appendTenths appends v rounded to one decimal, without a trailing ".0".
func appendTenths(b []byte, v float64) []byte { return appendInt10(b, tenths(v)) }

// appendInt10 appends n tenths as a decimal: 1234 is "123.4", -5 is "-0.5".
func appendInt10(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/10, 10)
	if r := n % 10; r != 0 {
		b = append(b, '.', byte('0'+r))
	}
	return b
}
