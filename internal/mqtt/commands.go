package mqtt

import (
	"fmt"
	"strings"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// serviceCall is a command payload as a service call of the registry.
type serviceCall struct {
	domain, service string
	data            map[string]any
}

// commandFor maps a command (the entity's platform, the topic's part —
// "" for …/<key>/set — and the payload) to the registry's service. Values
// go to the service as the payload's text, so the registry validates and
// converts them exactly as it does the REST API's. A payload that names
// no action is an *entity.Error of KindBadRequest.
func commandFor(p entity.Platform, part, payload string) (serviceCall, error) {
	word := strings.ToUpper(strings.TrimSpace(payload))
	switch {
	case p == entity.Switch && part == "":
		switch word {
		case "ON":
			return serviceCall{"switch", "turn_on", nil}, nil
		case "OFF":
			return serviceCall{"switch", "turn_off", nil}, nil
		}
		return serviceCall{}, badPayload(payload, "ON", "OFF")
	case p == entity.Button && part == "":
		if word == "PRESS" || word == "" {
			return serviceCall{"button", "press", nil}, nil
		}
		return serviceCall{}, badPayload(payload, "PRESS")
	case p == entity.Number && part == "":
		return serviceCall{"number", "set_value", map[string]any{"value": strings.TrimSpace(payload)}}, nil
	case p == entity.Select && part == "":
		return serviceCall{"select", "select_option", map[string]any{"option": payload}}, nil
	case p == entity.Lock && part == "":
		switch word {
		case "LOCK":
			return serviceCall{"lock", "lock", nil}, nil
		case "UNLOCK":
			return serviceCall{"lock", "unlock", nil}, nil
		}
		return serviceCall{}, badPayload(payload, "LOCK", "UNLOCK")
	case p == entity.Cover && part == "":
		switch word {
		case "OPEN":
			return serviceCall{"cover", "open_cover", nil}, nil
		case "CLOSE":
			return serviceCall{"cover", "close_cover", nil}, nil
		case "STOP":
			return serviceCall{"cover", "stop_cover", nil}, nil
		}
		return serviceCall{}, badPayload(payload, "OPEN", "CLOSE", "STOP")
	case p == entity.Update && part == "":
		if word == "INSTALL" || word == "" {
			return serviceCall{"update", "install", nil}, nil
		}
		return serviceCall{}, badPayload(payload, "INSTALL")
	case p == entity.Climate:
		switch part {
		case "mode":
			return serviceCall{"climate", "set_hvac_mode", map[string]any{"hvac_mode": strings.TrimSpace(payload)}}, nil
		case "temperature":
			return serviceCall{"climate", "set_temperature", map[string]any{"temperature": strings.TrimSpace(payload)}}, nil
		case "preset_mode":
			return serviceCall{"climate", "set_preset_mode", map[string]any{"preset_mode": strings.TrimSpace(payload)}}, nil
		case "power":
			switch word {
			case "ON":
				return serviceCall{"climate", "turn_on", nil}, nil
			case "OFF":
				return serviceCall{"climate", "turn_off", nil}, nil
			}
			return serviceCall{}, badPayload(payload, "ON", "OFF")
		}
	case p == entity.MediaPlayer:
		for _, mp := range mediaParts {
			if mp.part != part || mp.service == "" {
				continue
			}
			if mp.component == "number" {
				return serviceCall{"media_player", mp.service, map[string]any{mp.attr: strings.TrimSpace(payload)}}, nil
			}
			if word == "PRESS" || word == "" {
				return serviceCall{"media_player", mp.service, nil}, nil
			}
			return serviceCall{}, badPayload(payload, "PRESS")
		}
	}
	if part == "" {
		return serviceCall{}, &entity.Error{Kind: entity.KindBadRequest, Key: "not_supported",
			Message: fmt.Sprintf("%s entities take no commands", p)}
	}
	return serviceCall{}, &entity.Error{Kind: entity.KindBadRequest, Key: "not_supported",
		Message: fmt.Sprintf("%s entities have no command topic %q", p, part+"/set")}
}

// badPayload is a payload that is none of the command words.
func badPayload(payload string, want ...string) error {
	return &entity.Error{Kind: entity.KindBadRequest, Key: "invalid_service_data",
		Message: fmt.Sprintf("invalid payload %q (want %s)", payload, strings.Join(want, ", "))}
}

// parseCommandTopic splits <base>/<device>/<key>[/<part>]/set.
func (t Topics) parseCommandTopic(topic string) (device, key, part string, ok bool) {
	rest, found := strings.CutPrefix(topic, t.Base+"/")
	if !found {
		return "", "", "", false
	}
	rest, found = strings.CutSuffix(rest, "/set")
	if !found {
		return "", "", "", false
	}
	levels := strings.Split(rest, "/")
	switch len(levels) {
	case 2:
		return levels[0], levels[1], "", true
	case 3:
		return levels[0], levels[1], levels[2], true
	}
	return "", "", "", false
}
