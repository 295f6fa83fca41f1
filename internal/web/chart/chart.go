package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// Point is one sample: the value V from time T on. A NaN (or infinite) V
// means the value was unavailable from T until the next point.
type Point struct {
	T time.Time
	V float64
}

// Series is one line of a chart.
type Series struct {
	Name string // shown in the legend and the description
	// Class is a CSS class for the series' colour ("solar", "battery",
	// "grid", "home" have default colours; others take the palette by
	// position). A page's stylesheet overrides the defaults with, for
	// example, .series.solar { stroke: … } and .area.solar { fill: … }.
	Class string
	// Points in time order (Render sorts a copy if they are not).
	Points []Point
	// Step holds each value until the next point, as Home Assistant's
	// states do; the last value is held until the chart's End. Otherwise
	// points are joined by straight lines.
	Step bool
	// Fill shades the area between the line and 0.
	Fill bool
}

// Chart is a time-series chart of one quantity.
type Chart struct {
	Title      string // the accessible name: <title> and aria-labelledby
	Unit       string // of the y axis, e.g. "%", "kW"
	Start, End time.Time
	Series     []Series
	// Width and Height are the viewBox size (default 640×240); the SVG
	// itself scales to its container's width.
	Width, Height int
	// Min and Max fix the y range (battery level: 0 to 100); nil takes it
	// from the data, rounded outwards to a tick and including 0 when the
	// data crosses or nears it.
	Min, Max *float64
	Location *time.Location // of the time labels; nil is UTC
	// ID prefixes the ids of <title> and <desc>, which must be unique in a
	// page; empty derives one from the title, unit, period and series names.
	ID string
}

// Default size of the viewBox.
const (
	DefaultWidth  = 640
	DefaultHeight = 240
)

// The plot area is the viewBox less these margins: the y labels on the
// left, the time labels and the legend below.
const (
	marginLeft   = 60
	marginRight  = 20
	marginTop    = 10
	marginBottom = 50
)

// Text metrics, for laying out the legend without measuring fonts.
const (
	fontSize  = 11
	charWidth = 0.6 * fontSize // an average glyph's advance
)

// minTickSpacing is the least room, in viewBox units, per time label.
const minTickSpacing = 60

// emptyText is the message in place of lines when there is no data.
const emptyText = "No data in this period"

// Render writes c as one <svg> element.
func Render(w io.Writer, c Chart) error {
	b, err := render(c)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// SVG renders c for an html/template: the text in it is escaped, so it is
// safe to insert as is.
func SVG(c Chart) (template.HTML, error) {
	b, err := render(c)
	if err != nil {
		return "", err
	}
	return template.HTML(b), nil
}

// plot is the chart's geometry: the plot area and the mapping of times and
// values into it.
type plot struct {
	left, top, right, bottom float64
	start                    int64   // Start, in Unix nanoseconds
	xScale                   float64 // viewBox units per nanosecond
	y                        yScale
}

func newPlot(c Chart, y yScale) plot {
	p := plot{
		left:   marginLeft,
		top:    marginTop,
		right:  float64(c.Width - marginRight),
		bottom: float64(c.Height - marginBottom),
		start:  c.Start.UnixNano(),
		y:      y,
	}
	p.xScale = (p.right - p.left) / float64(c.End.UnixNano()-p.start)
	return p
}

// x maps a time into the plot area.
func (p *plot) x(t time.Time) float64 {
	return p.left + float64(t.UnixNano()-p.start)*p.xScale
}

// yOf maps a value into the plot area; values outside a fixed range are
// drawn at its edge.
func (p *plot) yOf(v float64) float64 {
	y := p.bottom - (v-p.y.lo)/(p.y.hi-p.y.lo)*(p.bottom-p.top)
	return min(max(y, p.top), p.bottom)
}

// prepared is a series with its visible part located.
type prepared struct {
	Series
	from, to   int // Points[from:to] lie in (Start, End]
	hasData    bool
	lo, hi     float64 // of the visible values, when hasData
	last       float64 // the value at End; NaN if unavailable
	colour     string
	classAttrs string // " battery" or ""
}

// palette colours series whose class has no colour of its own.
var palette = [...]string{"#3b73d9", "#e8710a", "#2e9e5b", "#c2185b", "#7b5ea7", "#00897b"}

// classColours are the default colours of the energy flows.
var classColours = map[string]string{
	"solar":   "#e6a700",
	"battery": "#2e9e5b",
	"grid":    "#7a8699",
	"home":    "#3b73d9",
}

func valid(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// prepare sorts a copy of the points if needed and finds the visible values:
// the last point at or before Start gives the value at Start, then every
// point up to End.
func prepare(s Series, i int, start, end time.Time) prepared {
	p := prepared{Series: s, last: math.NaN()}
	if !slices.IsSortedFunc(s.Points, comparePoints) {
		p.Points = slices.Clone(s.Points)
		slices.SortStableFunc(p.Points, comparePoints)
	}
	pts := p.Points
	p.from = sort.Search(len(pts), func(i int) bool { return pts[i].T.After(start) })
	p.to = sort.Search(len(pts), func(i int) bool { return pts[i].T.After(end) })
	first := p.from
	if first > 0 {
		first--
	}
	for _, pt := range pts[first:p.to] {
		if !valid(pt.V) {
			continue
		}
		if !p.hasData {
			p.lo, p.hi, p.hasData = pt.V, pt.V, true
		}
		p.lo, p.hi = min(p.lo, pt.V), max(p.hi, pt.V)
	}
	if p.to > 0 {
		p.last = pts[p.to-1].V
	}
	p.colour = classColours[s.Class]
	if p.colour == "" {
		p.colour = palette[i%len(palette)]
	}
	if s.Class != "" {
		p.classAttrs = " " + s.Class
	}
	return p
}

func comparePoints(a, b Point) int { return a.T.Compare(b.T) }

func validate(c *Chart) error {
	if c.Width == 0 {
		c.Width = DefaultWidth
	}
	if c.Height == 0 {
		c.Height = DefaultHeight
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	switch {
	case !c.End.After(c.Start):
		return fmt.Errorf("chart: End %v is not after Start %v", c.End, c.Start)
	case c.Width < marginLeft+marginRight+100 || c.Height < marginTop+marginBottom+60:
		return fmt.Errorf("chart: %d×%d is too small", c.Width, c.Height)
	case c.Min != nil && !valid(*c.Min), c.Max != nil && !valid(*c.Max):
		return errors.New("chart: Min and Max must be finite")
	case c.Min != nil && c.Max != nil && *c.Min >= *c.Max:
		return fmt.Errorf("chart: Min %v is not below Max %v", *c.Min, *c.Max)
	}
	return nil
}

// yRange is the y axis for the visible data.
func yRange(c Chart, series []prepared) (yScale, bool) {
	var lo, hi float64
	hasData := false
	for _, s := range series {
		if !s.hasData {
			continue
		}
		if !hasData {
			lo, hi, hasData = s.lo, s.hi, true
		}
		lo, hi = min(lo, s.lo), max(hi, s.hi)
	}
	if !hasData && (c.Min == nil || c.Max == nil) {
		return yScale{}, false
	}
	if !hasData || c.Min == nil || c.Max == nil {
		lo, hi = includeZero(lo, hi)
	}
	if c.Min != nil {
		lo = *c.Min
	}
	if c.Max != nil {
		hi = *c.Max
	}
	if lo >= hi { // one end fixed, the data all beyond it
		if c.Min != nil {
			hi = lo + 1
		} else {
			lo = hi - 1
		}
	}
	return niceScale(lo, hi, c.Min != nil, c.Max != nil), hasData
}

func render(c Chart) ([]byte, error) {
	if err := validate(&c); err != nil {
		return nil, err
	}
	series := make([]prepared, len(c.Series))
	for i, s := range c.Series {
		series[i] = prepare(s, i, c.Start, c.End)
	}
	y, hasData := yRange(c, series)
	p := newPlot(c, y)
	id := c.ID
	if id == "" {
		id = defaultID(c)
	}

	var b bytes.Buffer
	b.Grow(4096)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="`, c.Width, c.Height)
	escape(&b, id)
	b.WriteString(`-title" aria-describedby="`)
	escape(&b, id)
	fmt.Fprintf(&b, `-desc" font-family="system-ui, sans-serif" font-size="%d">`+"\n", fontSize)
	b.WriteString(`<title id="`)
	escape(&b, id)
	b.WriteString(`-title">`)
	escape(&b, c.Title)
	b.WriteString("</title>\n<desc id=\"")
	escape(&b, id)
	b.WriteString(`-desc">`)
	escape(&b, describe(c, series, y, hasData))
	b.WriteString("</desc>\n")

	writeGrid(&b, c, &p, y.ticks != nil)
	if !hasData {
		b.WriteString(`<text class="empty" x="`)
		b.Write(appendTenths(nil, (p.left+p.right)/2))
		b.WriteString(`" y="`)
		b.Write(appendTenths(nil, (p.top+p.bottom)/2))
		b.WriteString(`" text-anchor="middle" fill="currentColor">` + emptyText + "</text>\n</svg>\n")
		return b.Bytes(), nil
	}
	if y.lo < 0 && y.hi > 0 {
		b.WriteString(`<path class="zero" d="M`)
		writePoint(&b, p.left, p.yOf(0))
		b.WriteString("H")
		b.Write(appendTenths(nil, p.right))
		b.WriteString(`" stroke="currentColor" stroke-opacity="0.5"/>` + "\n")
	}
	var d pathWriter
	for _, s := range series {
		d.reset(s.Step)
		draw(&d, &p, &s)
		if len(d.segs) == 0 {
			continue
		}
		if s.Fill {
			b.WriteString(`<path class="area`)
			escape(&b, s.classAttrs)
			b.WriteString(`" d="`)
			b.Write(d.area(appendTenths(nil, p.yOf(min(max(0, y.lo), y.hi)))))
			b.WriteString(`" fill="` + s.colour + `" fill-opacity="0.15"/>` + "\n")
		}
		b.WriteString(`<path class="series`)
		escape(&b, s.classAttrs)
		b.WriteString(`" d="`)
		b.Write(d.buf)
		b.WriteString(`" fill="none" stroke="` + s.colour + `" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>` + "\n")
	}
	writeLegend(&b, c, series)
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// writeGrid writes the grid lines and the axis labels: the time ticks, and
// the value ticks if there are any.
func writeGrid(b *bytes.Buffer, c Chart, p *plot, values bool) {
	maxTicks := max(2, int((p.right-p.left)/minTickSpacing)+1)
	ticks := timeTicks(c.Start, c.End, c.Location, maxTicks)
	b.WriteString(`<g class="grid" fill="none" stroke="currentColor" stroke-opacity="0.12"><path d="`)
	if values {
		for _, v := range p.y.ticks {
			b.WriteString("M")
			writePoint(b, p.left, p.yOf(v))
			b.WriteString("H")
			b.Write(appendTenths(nil, p.right))
		}
	}
	for _, t := range ticks {
		b.WriteString("M")
		writePoint(b, p.x(t.t), p.top)
		b.WriteString("V")
		b.Write(appendTenths(nil, p.bottom))
	}
	// The frame's bottom and left edges.
	b.WriteString("M")
	writePoint(b, p.left, p.top)
	b.WriteString("V")
	b.Write(appendTenths(nil, p.bottom))
	b.WriteString("H")
	b.Write(appendTenths(nil, p.right))
	b.WriteString(`"/></g>` + "\n")

	b.WriteString(`<g class="axis" fill="currentColor" fill-opacity="0.75">`)
	if values {
		b.WriteString(`<g text-anchor="end">`)
		for _, v := range p.y.ticks {
			writeText(b, p.left-6, p.yOf(v)+4, withUnit(formatValue(v, p.y.decimals), c.Unit))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`<g text-anchor="middle">`)
	for _, t := range ticks {
		writeText(b, p.x(t.t), p.bottom+16, t.label)
	}
	b.WriteString("</g></g>\n")
}

// writeLegend writes a row of the series' names with a stroke of their
// colour, under the time labels.
func writeLegend(b *bytes.Buffer, c Chart, series []prepared) {
	b.WriteString(`<g class="legend">`)
	x := float64(marginLeft)
	y := float64(c.Height - 12)
	for _, s := range series {
		b.WriteString(`<path class="series`)
		escape(b, s.classAttrs)
		b.WriteString(`" d="M`)
		writePoint(b, x, y-4)
		b.WriteString(`h14" stroke="` + s.colour + `" stroke-width="3"/>`)
		b.WriteString(`<text x="`)
		b.Write(appendTenths(nil, x+18))
		b.WriteString(`" y="`)
		b.Write(appendTenths(nil, y))
		b.WriteString(`" fill="currentColor">`)
		escape(b, s.Name)
		b.WriteString("</text>")
		x += 18 + float64(utf8.RuneCountInString(s.Name))*charWidth + 16
	}
	b.WriteString("</g>\n")
}

func writeText(b *bytes.Buffer, x, y float64, text string) {
	b.WriteString(`<text x="`)
	b.Write(appendTenths(nil, x))
	b.WriteString(`" y="`)
	b.Write(appendTenths(nil, y))
	b.WriteString(`">`)
	escape(b, text)
	b.WriteString("</text>")
}

func writePoint(b *bytes.Buffer, x, y float64) {
	var a [32]byte
	buf := appendTenths(a[:0], x)
	buf = append(buf, ' ')
	b.Write(appendTenths(buf, y))
}

// escape writes s as XML character data, fit for text and for attribute
// values in double quotes.
func escape(b *bytes.Buffer, s string) {
	xml.EscapeText(b, []byte(s)) // a bytes.Buffer does not fail
}

// describe summarises the chart for screen readers: what and when, then
// each series' last value and its range.
func describe(c Chart, series []prepared, y yScale, hasData bool) string {
	const layout = "Mon 2 Jan 15:04"
	var b bytes.Buffer
	b.WriteString(c.Title)
	if c.Unit != "" {
		b.WriteString(" (" + c.Unit + ")")
	}
	fmt.Fprintf(&b, ", %s to %s.", c.Start.In(c.Location).Format(layout), c.End.In(c.Location).Format(layout))
	if !hasData {
		return b.String() + " " + emptyText + "."
	}
	v := func(x float64) string {
		s := formatValue(x, y.decimals+1)
		if y.decimals+1 > 0 {
			s = trimZeros(s)
		}
		return withUnit(s, c.Unit)
	}
	for _, s := range series {
		b.WriteString(" ")
		if s.Name != "" {
			b.WriteString(s.Name + ": ")
		}
		switch {
		case !s.hasData:
			b.WriteString("no data.")
			continue
		case valid(s.last):
			b.WriteString("last " + v(s.last))
		default:
			b.WriteString("last unavailable")
		}
		b.WriteString(", min " + v(s.lo) + ", max " + v(s.hi) + ".")
	}
	return b.String()
}

func trimZeros(s string) string {
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// defaultID derives an id from what the chart shows, so that the output is
// the same for the same input and different charts on a page differ.
func defaultID(c Chart) string {
	h := fnv.New32a()
	for _, s := range []string{c.Title, c.Unit, c.Start.UTC().Format(time.RFC3339Nano), c.End.UTC().Format(time.RFC3339Nano)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, s := range c.Series {
		h.Write([]byte(s.Name))
		h.Write([]byte{0})
		h.Write([]byte(s.Class))
		h.Write([]byte{0})
	}
	return "chart-" + strconv.FormatUint(uint64(h.Sum32()), 16)
}
