package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// deviceGroup is one device's entities by platform on the entities page.
type deviceGroup struct {
	Device    entity.Device
	Platforms []platformGroup
	Disabled  []item
}

type platformGroup struct {
	Platform string
	Items    []item
}

// platformOrder is the order platforms are listed in: controls first.
var platformOrder = []string{"climate", "switch", "number", "select", "lock", "cover", "button", "media_player", "update",
	"sensor", "binary_sensor", "device_tracker"}

func platformRank(p string) int {
	for i, q := range platformOrder {
		if q == p {
			return i
		}
	}
	return len(platformOrder)
}

func (u *UI) entities(w http.ResponseWriter, r *http.Request, s Session) {
	sn := u.snapshot()
	groups := make([]deviceGroup, 0, len(sn.devices))
	for _, d := range sn.devices {
		g := deviceGroup{Device: d}
		by := map[string][]item{}
		for _, it := range sn.items[d.ID] {
			if !it.Enabled {
				g.Disabled = append(g.Disabled, it)
				continue
			}
			by[it.Platform] = append(by[it.Platform], it)
		}
		for p, items := range by {
			g.Platforms = append(g.Platforms, platformGroup{Platform: p, Items: items})
		}
		sort.Slice(g.Platforms, func(i, j int) bool {
			return platformRank(g.Platforms[i].Platform) < platformRank(g.Platforms[j].Platform)
		})
		groups = append(groups, g)
	}
	u.render(w, r, http.StatusOK, "entities", page{Title: "Entities", Nav: "entities", CSRF: s.CSRF, Data: groups})
}

// setEnabled enables or disables an entity (entity_id, enabled=on|off).
func (u *UI) setEnabled(w http.ResponseWriter, r *http.Request, _ Session) {
	id := r.PostFormValue("entity_id")
	on := r.PostFormValue("enabled") == "on"
	if err := u.o.Registry.SetEnabled(id, on); err != nil {
		u.callFailed(w, r, err)
		return
	}
	if wantsJSON(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, back(r, "/entities")+"#"+url.PathEscape(id), http.StatusSeeOther)
}

// numericFields are the service fields that are numbers (the form sends
// text).
var numericFields = map[string]bool{"value": true, "temperature": true, "volume_level": true}

// serviceFields are the fields a control's form may send.
var serviceFields = []string{"value", "option", "temperature", "hvac_mode", "preset_mode", "volume_level"}

// call is a control's form without the page's script: the same service
// call as POST /api/services, then back to the page.
func (u *UI) call(w http.ResponseWriter, r *http.Request, _ Session) {
	domain, service := r.PostFormValue("domain"), r.PostFormValue("service")
	id := r.PostFormValue("entity_id")
	data := map[string]any{}
	for _, k := range serviceFields {
		v := r.PostFormValue(k)
		if v == "" {
			continue
		}
		if numericFields[k] {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				u.callFailed(w, r, &entity.Error{Kind: entity.KindInvalid, Message: k + " must be a number"})
				return
			}
			if k == "volume_level" {
				f /= 100 // the form's volume is a percentage
			}
			data[k] = f
		} else {
			data[k] = v
		}
	}
	if _, err := u.o.Registry.Call(r.Context(), domain, service, []string{id}, data); err != nil {
		u.callFailed(w, r, err)
		return
	}
	http.Redirect(w, r, back(r, "/")+"#"+url.PathEscape(id), http.StatusSeeOther)
}

// callFailed answers a refused or failed call with the entity layer's
// message and status.
func (u *UI) callFailed(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, "The call failed."
	var e *entity.Error
	if errors.As(err, &e) {
		status, msg = e.HTTPStatus(), e.Message
	} else {
		u.log.Error("ui: a call failed", "err", err)
	}
	if wantsJSON(r) {
		b, _ := json.Marshal(map[string]string{"message": msg})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
		return
	}
	u.render(w, r, status, "message", page{Title: "Not done", Data: messageView{Text: msg, Back: back(r, "/")}})
}

type messageView struct {
	Text, Back string
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// back is the page the form came from (the Referer, when it is ours).
func back(r *http.Request, fallback string) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || ref.Path == "" {
		return fallback
	}
	return localPath(ref.Path + queryOf(ref))
}

func queryOf(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}
