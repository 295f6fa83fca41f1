package setup

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// The SVG is well-formed, as large as the code with its quiet zone, named
// for screen readers (escaped), and draws as many dark modules as the code
// has.
func TestQRSVG(t *testing.T) {
	const link = "https://tesla.com/_ak/example.com"
	svg, err := QRSVG(link, `pairing "link" <here>`)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ViewBox string `xml:"viewBox,attr"`
		Label   string `xml:"aria-label,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	q, _ := qrcode.New(link, qrcode.High)
	bm := q.Bitmap()
	if doc.ViewBox != fmt.Sprintf("0 0 %d %d", len(bm), len(bm)) {
		t.Errorf("viewBox %q for %d modules", doc.ViewBox, len(bm))
	}
	if doc.Label != `pairing "link" <here>` {
		t.Errorf("label %q", doc.Label)
	}
	dark, drawn := 0, 0
	for _, row := range bm {
		for _, on := range row {
			if on {
				dark++
			}
		}
	}
	for _, seg := range strings.Split(doc.Path.D, "M")[1:] {
		var x, y, n int
		if _, err := fmt.Sscanf(seg, "%d %dh%d", &x, &y, &n); err != nil {
			t.Fatalf("segment %q: %v", seg, err)
		}
		for i := 0; i < n; i++ {
			if !bm[y][x+i] {
				t.Fatalf("segment %q covers a light module", seg)
			}
		}
		drawn += n
	}
	if drawn != dark {
		t.Errorf("drew %d modules, the code has %d dark ones", drawn, dark)
	}
}
