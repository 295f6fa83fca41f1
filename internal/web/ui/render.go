package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
)

// page is what every template gets: the layout's needs and the page's
// own Data.
type page struct {
	Title  string
	Nav    string      // the active navigation entry
	CSRF   string      // empty: not signed in (no navigation)
	Rules  template.JS // how the script shows states (set by render)
	Alerts []Alert     // what needs the person now (set by render)
	Data   any
}

// pageNames are the templates under templates/, each defining "content"
// for layout.html; controls.html holds the shared control partials.
var pageNames = []string{"login", "dashboard", "entities", "history", "cost", "setup", "message"}

var funcs = template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.0f", f) },
	"usd": usd,
	// perDollar is a price as Tesla's table gives it: "500 per $1".
	"perDollar": func(price float64) string {
		if price <= 0 {
			return "free"
		}
		return fmt.Sprintf("%.0f per $1", 1/price)
	},
	"title": humanize,
	"inc":   func(i int) int { return i + 1 },
	"slug": func(s string) string {
		return strings.NewReplacer(".", "-", "_", "-").Replace(s)
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

// usd shows dollars: under $10 to a tenth of a cent, so a few requests do
// not show as $0.00; from $10 in cents with thousands separated.
func usd(f float64) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	if f < 10 {
		return fmt.Sprintf("%s$%.3f", sign, f)
	}
	s := fmt.Sprintf("%.2f", f)
	whole, cents := s[:len(s)-3], s[len(s)-3:]
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return sign + "$" + whole + cents
}

func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles,
			"templates/layout.html", "templates/controls.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("ui: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page; a template error is logged and answered 500
// before anything is sent.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if p.CSRF != "" {
		p.Rules = formatRules(vehicleNames(u.o.Registry.Devices()))
		if u.o.Alerts != nil {
			p.Alerts = u.o.Alerts()
		}
	}
	var b bytes.Buffer
	if err := u.pages[name].Execute(&b, p); err != nil {
		u.log.Error("ui: render", "page", name, "err", err)
		http.Error(w, "The page could not be drawn.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fail answers an unexpected error (the store's, say) without details.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	u.log.Error("ui: request failed", "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong; the log says what.", http.StatusInternalServerError)
}
