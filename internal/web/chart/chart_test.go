package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The default geometry, from the margins: the plot area runs from x 60 to
// 620 (560 wide) and from y 10 (top) to 190 (bottom, 180 high).
var (
	day0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday
	nan  = math.NaN()
)

func at(h float64) time.Time { return day0.Add(time.Duration(h * float64(time.Hour))) }

func ptr(v float64) *float64 { return &v }

// percentDay is a chart of one day on a fixed 0..100 % axis, where value v
// at hour h lands at x = 60 + h/24 × 560, y = 190 - v/100 × 180.
func percentDay(s ...Series) Chart {
	return Chart{Title: "Battery level", Unit: "%", Start: day0, End: at(24), Min: ptr(0), Max: ptr(100), Series: s}
}

func renderT(t *testing.T, c Chart) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, c); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

var seriesPath = regexp.MustCompile(`<path class="(series|area)[^"]*" d="([^"]*)"`)

// paths returns the d of every line (or area) drawn in the plot, in order;
// the legend's strokes are not included.
func paths(svg, kind string) []string {
	svg, _, _ = strings.Cut(svg, `<g class="legend">`)
	var ds []string
	for _, m := range seriesPath.FindAllStringSubmatch(svg, -1) {
		if m[1] == kind {
			ds = append(ds, m[2])
		}
	}
	return ds
}

func TestCoordinates(t *testing.T) {
	cases := []struct {
		name   string
		series Series
		want   string
	}{
		// 0 at 00:00 → (60, 190); 50 at 12:00 → (340, 100); 100 at 24:00 → (620, 10).
		{"line through the midpoint", Series{Points: []Point{{at(0), 0}, {at(12), 50}, {at(24), 100}}},
			"M60 190L340 100L620 10"},
		// 25 at 06:00 → (200, 145); 75 at 18:00 → (480, 55).
		{"quarters", Series{Points: []Point{{at(6), 25}, {at(18), 75}}},
			"M200 145L480 55"},
		// 1/3 of the day → x 246.666… rounds to 246.7; 33.3 % → y 130.06 rounds to 130.1.
		{"rounded to a tenth", Series{Points: []Point{{at(8), 33.3}, {at(16), 66.7}}},
			"M246.7 130.1L433.3 69.9"},
		// Level runs are H, vertical ones V.
		{"horizontal and vertical", Series{Points: []Point{{at(0), 50}, {at(12), 50}, {at(12), 100}}},
			"M60 100H340V10"},
		// Beyond a fixed range, lines stay at its edge.
		{"clamped to the fixed range", Series{Points: []Point{{at(0), -10}, {at(24), 120}}},
			"M60 190L620 10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := paths(renderT(t, percentDay(c.series)), "series")
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("paths %q, want [%q]", got, c.want)
			}
		})
	}
}

// TestStepAndClipping: a step series holds each value (H) until the next
// point, then moves to it (V); the last point at or before Start gives the
// value at Start, points after End are ignored, and the last value is held
// to End. y(20) = 154, y(40) = 118, y(60) = 82, y(70) = 64, y(80) = 46.
func TestStepAndClipping(t *testing.T) {
	cases := []struct {
		name   string
		step   bool
		points []Point
		want   string
	}{
		{"step", true, []Point{{at(0), 20}, {at(6), 40}, {at(12), 40}, {at(18), 80}},
			"M60 154H200V118H480V46H620"},
		{"line", false, []Point{{at(0), 20}, {at(6), 40}, {at(12), 40}, {at(18), 80}},
			"M60 154L200 118H340L480 46"},
		{"step value at start from an earlier point", true, []Point{{at(-3), 30}, {at(-1), 60}, {at(6), 70}, {at(25), 90}},
			"M60 82H200V64H620"},
		{"line value at start from an earlier point", false, []Point{{at(-3), 30}, {at(-1), 60}, {at(6), 70}, {at(25), 90}},
			"M60 82L200 64"},
		{"a point at Start is the value at Start", true, []Point{{at(-1), 60}, {at(0), 20}, {at(6), 40}},
			"M60 154H200V118H620"},
		{"only a point before Start holds all period", true, []Point{{at(-5), 60}},
			"M60 82H620"},
		{"a lone point is a dot", false, []Point{{at(-5), 60}},
			"M60 82h0"},
		{"only points after End", true, []Point{{at(25), 60}},
			""},
		{"unsorted points are sorted", true, []Point{{at(18), 80}, {at(0), 20}, {at(12), 40}, {at(6), 40}},
			"M60 154H200V118H480V46H620"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(paths(renderT(t, percentDay(Series{Step: c.step, Points: c.points})), "series"), " | ")
			if got != c.want {
				t.Errorf("path %q, want %q", got, c.want)
			}
		})
	}
}

// TestGaps: an unavailable value (NaN) ends the line, a step holding its
// value up to it, and the next value starts a new one.
func TestGaps(t *testing.T) {
	cases := []struct {
		name   string
		step   bool
		points []Point
		want   []string
	}{
		{"step", true, []Point{{at(0), 20}, {at(6), nan}, {at(12), 40}},
			[]string{"M60 154H200M340 118H620"}},
		{"line", false, []Point{{at(0), 20}, {at(6), 40}, {at(12), nan}, {at(18), 80}, {at(24), 100}},
			[]string{"M60 154L200 118M480 46L620 10"}},
		{"unavailable at start", true, []Point{{at(-1), nan}, {at(6), 20}},
			[]string{"M200 154H620"}},
		{"unavailable at end", true, []Point{{at(0), 20}, {at(18), nan}},
			[]string{"M60 154H480"}},
		{"infinity is unavailable", false, []Point{{at(0), 20}, {at(6), 40}, {at(12), math.Inf(1)}, {at(18), 80}, {at(24), 100}},
			[]string{"M60 154L200 118M480 46L620 10"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := paths(renderT(t, percentDay(Series{Step: c.step, Points: c.points, Fill: true})), "series")
			if strings.Join(got, " | ") != strings.Join(c.want, " | ") {
				t.Errorf("paths %q, want %q", got, c.want)
			}
		})
	}
	t.Run("area closes each line to the baseline", func(t *testing.T) {
		svg := renderT(t, percentDay(Series{Step: true, Fill: true, Points: []Point{{at(0), 20}, {at(6), nan}, {at(12), 40}}}))
		want := "M60 154H200V190H60ZM340 118H620V190H340Z"
		if got := paths(svg, "area"); len(got) != 1 || got[0] != want {
			t.Errorf("area %q, want %q", got, want)
		}
	})
}

// TestNegative: power flows below 0 widen the axis, which then has a zero
// line; data entirely below 0 still reaches it.
func TestNegative(t *testing.T) {
	kw := func(vs ...float64) Chart {
		s := Series{Name: "Grid", Class: "grid"}
		for i, v := range vs {
			s.Points = append(s.Points, Point{at(float64(i * 6)), v})
		}
		return Chart{Title: "Grid", Unit: "kW", Start: day0, End: at(24), Series: []Series{s}}
	}
	cases := []struct {
		name   string
		c      Chart
		labels []string
		zero   string // the zero line's d, or "" for none
		path   string
	}{
		// -4..6 kW: y(v) = 190 - (v+4)/10 × 180, so 0 is at 118.
		{"crossing zero", kw(-3.2, 5.1), []string{"-4 kW", "-2 kW", "0 kW", "2 kW", "4 kW", "6 kW"}, "M60 118H620", "M60 175.6L200 26.2"},
		// -6..0 kW: 0 is the top edge, already a grid line.
		{"all below zero", kw(-5.2, -1.1), []string{"-6 kW", "-4 kW", "-2 kW", "0 kW"}, "", "M60 166L200 43"},
		// 0..8 kW.
		{"all above zero", kw(0.4, 7.3), []string{"0 kW", "2 kW", "4 kW", "6 kW", "8 kW"}, "", "M60 181L200 25.8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svg := renderT(t, c.c)
			if got := axisLabels(svg, "end"); strings.Join(got, ",") != strings.Join(c.labels, ",") {
				t.Errorf("y labels %q, want %q", got, c.labels)
			}
			zero := regexp.MustCompile(`<path class="zero" d="([^"]*)"`).FindStringSubmatch(svg)
			switch {
			case c.zero == "" && zero != nil:
				t.Errorf("zero line %q, want none", zero[1])
			case c.zero != "" && (zero == nil || zero[1] != c.zero):
				t.Errorf("zero line %q, want %q", zero, c.zero)
			}
			if got := paths(svg, "series"); len(got) != 1 || got[0] != c.path {
				t.Errorf("path %q, want %q", got, c.path)
			}
		})
	}
}

// axisLabels returns the texts of the axis group anchored as given ("end"
// for values, "middle" for times).
func axisLabels(svg, anchor string) []string {
	_, g, _ := strings.Cut(svg, `<g text-anchor="`+anchor+`">`)
	g, _, _ = strings.Cut(g, "</g>")
	var labels []string
	for _, m := range regexp.MustCompile(`>([^<]*)</text>`).FindAllStringSubmatch(g, -1) {
		labels = append(labels, m[1])
	}
	return labels
}

// TestEscaping: hostile names stay text; the output is well-formed XML
// whose title, description, class and legend read back as given.
func TestEscaping(t *testing.T) {
	title := `<script>alert("x")</script> & 'co'`
	name := `"><img src=x onerror=alert(1)>`
	class := `solar" onload="alert(1)`
	c := percentDay(Series{Name: name, Class: class, Fill: true, Points: []Point{{at(0), 50}}})
	c.Title, c.Unit, c.ID = title, `<%>`, `x"y`
	svg := renderT(t, c)
	for _, bad := range []string{"<script", "<img", `" onload="`, `x"y`} {
		if strings.Contains(svg, bad) {
			t.Errorf("output contains %q:\n%s", bad, svg)
		}
	}
	var texts, classes, ids []string
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			texts = append(texts, string(tok))
		case xml.StartElement:
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "class":
					classes = append(classes, a.Value)
				case "id":
					ids = append(ids, a.Value)
				}
			}
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{title, name, "50 <%>"} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q not in the output's text:\n%s", want, all)
		}
	}
	if !contains(classes, "series "+class) || !contains(classes, "area "+class) {
		t.Errorf("classes %q lack %q", classes, "series "+class)
	}
	if !contains(ids, `x"y-title`) {
		t.Errorf("ids %q lack the title's", ids)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// week is 7 days of 10-second samples (60 480 points) of a noisy series with
// one spike up and one down.
func week(seed, spikeAt, dipAt int, spike, dip float64) Series {
	const n = 7 * 24 * 360
	pts := make([]Point, n)
	x := uint32(seed)
	for i := range pts {
		x = x*1664525 + 1013904223 // a fixed LCG: the same data every run
		v := 1.5 + 2*math.Sin(float64(i)/n*14*math.Pi) + float64(x>>24)/256
		switch i {
		case spikeAt:
			v = spike
		case dipAt:
			v = dip
		}
		pts[i] = Point{day0.Add(time.Duration(i) * 10 * time.Second), v}
	}
	return Series{Points: pts}
}

// coords returns the points a path's commands visit.
func coords(t *testing.T, d string) (points int, minY, maxY float64) {
	t.Helper()
	minY, maxY = math.Inf(1), math.Inf(-1)
	var x, y float64
	toks := regexp.MustCompile(`[MLHVZh]|-?[0-9.]+`).FindAllString(d, -1)
	num := func(i int) float64 {
		v, err := strconv.ParseFloat(toks[i], 64)
		if err != nil {
			t.Fatalf("path %q: %v", d, err)
		}
		return v
	}
	for i := 0; i < len(toks); i++ {
		switch toks[i] {
		case "M", "L":
			x, y = num(i+1), num(i+2)
			i += 2
		case "H":
			x = num(i + 1)
			i++
		case "V":
			y = num(i + 1)
			i++
		case "h":
			x += num(i + 1)
			i++
		case "Z":
			continue
		default:
			t.Fatalf("path %q: unexpected %q", d, toks[i])
		}
		_ = x
		points++
		minY, maxY = min(minY, y), max(maxY, y)
	}
	return points, minY, maxY
}

// TestDecimation: a week of 10-second samples keeps its single-sample spike
// and dip but draws at most four points per pixel column, and four such
// series with areas stay under 100 KB.
func TestDecimation(t *testing.T) {
	s := week(1, 20000, 40000, 9, -7)
	s.Name, s.Class = "Solar", "solar"
	c := Chart{Title: "Power", Unit: "kW", Start: day0, End: day0.Add(7 * 24 * time.Hour), Series: []Series{s}}
	svg := renderT(t, c)
	// -7..9 kW: step 2 would be -8..10 (10 ticks), 5 is -10..10 (5), so
	// y(9) = 190 - 19/20 × 180 = 19 and y(-7) = 190 - 3/20 × 180 = 163.
	if got := axisLabels(svg, "end"); strings.Join(got, ",") != "-10 kW,-5 kW,0 kW,5 kW,10 kW" {
		t.Fatalf("y labels %q", got)
	}
	d := paths(svg, "series")
	if len(d) != 1 {
		t.Fatalf("%d paths", len(d))
	}
	n, minY, maxY := coords(t, d[0])
	if minY != 19 || maxY != 163 {
		t.Errorf("path spans y %v..%v, want the spike at 19 and the dip at 163", minY, maxY)
	}
	if n > 4*560+1 {
		t.Errorf("%d points for 560 columns, want at most 4 each", n)
	}

	// A burst of changes within one column, then a value held for hours:
	// the line leaves the column at the burst's last value, 40 % (y 118),
	// not at its extremes (100 % is y 10, 0 % is y 190).
	burst := Series{Step: true, Points: []Point{{at(0), 50}}}
	for i := range 30 {
		burst.Points = append(burst.Points, Point{at(6).Add(time.Duration(i) * time.Second), float64(i%2) * 100})
	}
	burst.Points = append(burst.Points, Point{at(6).Add(31 * time.Second), 40})
	d = paths(renderT(t, percentDay(burst)), "series")
	if want := "M60 100H200V190V10V118H620"; len(d) != 1 || d[0] != want {
		t.Errorf("burst %q, want %q", d, want)
	}

	var all []Series
	for i, class := range []string{"solar", "battery", "grid", "home"} {
		s := week(i+1, 1000*i, 50000-1000*i, 9, -7)
		s.Name, s.Class, s.Fill = class, class, true
		all = append(all, s)
	}
	c.Series = all
	svg = renderT(t, c)
	if len(svg) >= 100_000 {
		t.Errorf("4 series of a week: %d bytes, want < 100 KB", len(svg))
	}
	t.Logf("1 series: %d points; 4 series with areas: %d bytes", n, len(svg))
}

// TestEmpty: with nothing to draw there is a message instead of lines, and
// no legend; a fixed range still labels the y axis.
func TestEmpty(t *testing.T) {
	cases := []struct {
		name     string
		c        Chart
		yLabels  int
		wantDesc string
	}{
		{"no series", Chart{Title: "Power", Unit: "kW", Start: day0, End: at(24)}, 0,
			"Power (kW), Mon 2 Mar 00:00 to Tue 3 Mar 00:00. No data in this period."},
		{"points only after End", Chart{Title: "Power", Unit: "kW", Start: day0, End: at(24),
			Series: []Series{{Name: "Solar", Points: []Point{{at(25), 1}}}}}, 0, ""},
		{"only unavailable", Chart{Title: "Power", Unit: "kW", Start: day0, End: at(24),
			Series: []Series{{Name: "Solar", Points: []Point{{at(-1), nan}, {at(3), nan}}}}}, 0, ""},
		{"fixed range", percentDay(Series{Name: "Battery", Points: nil}), 6, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svg := renderT(t, c.c)
			if !strings.Contains(svg, `<text class="empty" x="340" y="100" text-anchor="middle" fill="currentColor">No data in this period</text>`) {
				t.Errorf("no empty message:\n%s", svg)
			}
			for _, bad := range []string{`class="series`, `class="legend"`, `class="zero"`} {
				if strings.Contains(svg, bad) {
					t.Errorf("empty chart has %s", bad)
				}
			}
			if got := len(axisLabels(svg, "end")); got != c.yLabels {
				t.Errorf("%d y labels, want %d", got, c.yLabels)
			}
			if got := len(axisLabels(svg, "middle")); got != 9 {
				t.Errorf("%d time labels, want 9", got)
			}
			if c.wantDesc != "" && !strings.Contains(svg, ">"+c.wantDesc+"</desc>") {
				t.Errorf("desc is not %q:\n%s", c.wantDesc, svg)
			}
		})
	}
}

// TestAccessible: the root is a responsive image named by its title and
// described by a summary of each series.
func TestAccessible(t *testing.T) {
	c := Chart{Title: "Charging power", Unit: "kW", Start: day0, End: at(24), Series: []Series{
		{Name: "Car", Step: true, Points: []Point{{at(-1), 0}, {at(2), 7.4}, {at(5), 11}, {at(6), 0}}},
		{Name: "Other", Points: []Point{{at(1), 1}, {at(20), nan}}},
		{Name: "Gone", Points: []Point{{at(25), 1}}},
	}}
	svg := renderT(t, c)
	id := defaultID(c)
	root := `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 640 240" width="100%" role="img" aria-labelledby="` + id + `-title" aria-describedby="` + id + `-desc"`
	if !strings.HasPrefix(svg, root) {
		t.Errorf("root element:\n%s\nwant prefix\n%s", svg[:300], root)
	}
	if strings.Contains(svg[:strings.Index(svg, ">")], "height=") {
		t.Error("the root has a fixed height")
	}
	// 0..11 kW: step 2 is 0..12 (7 ticks), 5 is 0..15 (4): values get one decimal.
	desc := "Charging power (kW), Mon 2 Mar 00:00 to Tue 3 Mar 00:00. Car: last 0 kW, min 0 kW, max 11 kW. Other: last unavailable, min 1 kW, max 1 kW. Gone: no data."
	for _, want := range []string{
		`<title id="` + id + `-title">Charging power</title>`,
		`<desc id="` + id + `-desc">` + desc + `</desc>`,
		`<text x="78" y="228" fill="currentColor">Car</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %s in\n%s", want, svg)
		}
	}
	c.ID = "battery-7d"
	if svg := renderT(t, c); !strings.Contains(svg, `aria-labelledby="battery-7d-title"`) {
		t.Errorf("ID not used:\n%.300s", svg)
	}
	c.Title = "Charging power, other car"
	c.ID = ""
	if defaultID(c) == id {
		t.Error("charts with different titles have the same id")
	}
}

func TestDeterministic(t *testing.T) {
	s := week(7, 100, 200, 20, -20)
	c := Chart{Title: "Power", Unit: "kW", Start: day0, End: at(7 * 24), Series: []Series{s, {Name: "Step", Step: true, Points: s.Points[:5000]}}}
	a := renderT(t, c)
	for range 3 {
		if b := renderT(t, c); a != b {
			t.Fatal("two renderings differ")
		}
	}
	h, err := SVG(c)
	if err != nil || string(h) != a {
		t.Errorf("SVG differs from Render (err %v)", err)
	}
}

func TestInvalid(t *testing.T) {
	cases := []struct {
		name string
		c    Chart
	}{
		{"end before start", Chart{Start: at(1), End: at(0)}},
		{"empty period", Chart{Start: at(1), End: at(1)}},
		{"min not below max", Chart{Start: at(0), End: at(1), Min: ptr(5), Max: ptr(5)}},
		{"NaN max", Chart{Start: at(0), End: at(1), Max: ptr(nan)}},
		{"too small", Chart{Start: at(0), End: at(1), Width: 100, Height: 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Render(io.Discard, c.c); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestOneFixedEnd: with only Min fixed the top comes from the data, even
// when all the data is below Min.
func TestOneFixedEnd(t *testing.T) {
	c := Chart{Title: "Power", Unit: "kW", Start: day0, End: at(24), Min: ptr(0),
		Series: []Series{{Points: []Point{{at(0), 1}, {at(12), 3.3}}}}}
	if got := axisLabels(renderT(t, c), "end"); strings.Join(got, ",") != "0 kW,1 kW,2 kW,3 kW,4 kW" {
		t.Errorf("y labels %q", got)
	}
	c.Series[0].Points = []Point{{at(0), -5}}
	// The data gives nothing above Min: a unit range.
	if got := axisLabels(renderT(t, c), "end"); strings.Join(got, ",") != "0.0 kW,0.2 kW,0.4 kW,0.6 kW,0.8 kW,1.0 kW" {
		t.Errorf("y labels %q", got)
	}
}
