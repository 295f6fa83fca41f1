package entity

import (
	"github.com/teslafleet/teslafleet/internal/command"
)

// Media player features (Home Assistant's MediaPlayerEntityFeature).
const (
	mediaPause     = 1
	mediaVolumeSet = 4
	mediaPrevious  = 16
	mediaNext      = 32
	mediaPlay      = 16384
)

var mediaStates = map[string]string{"Playing": "playing", "Paused": "paused", "Stopped": "idle", "Off": "off"}

const mediaKey = "vehicle_state_media_info_"

// mediaPlayer is §4.13's "Media player".
type mediaPlayer struct{ scoped bool }

func (m *mediaPlayer) features() int {
	if !m.scoped {
		return 0
	}
	return mediaNext | mediaPause | mediaPlay | mediaPrevious | mediaVolumeSet
}

func (m *mediaPlayer) state(v *view) string {
	raw := v.get(mediaKey + "media_playback_status")
	if raw == nil || raw == "" {
		raw = "Off"
	}
	s, _ := raw.(string)
	return mediaStates[s]
}

// volumeMax is audio_volume_max or 11.0.
func (m *mediaPlayer) volumeMax(v *view) float64 {
	if n, ok := v.number(mediaKey + "audio_volume_max"); ok && n.float() != 0 {
		return n.float()
	}
	return 11.0
}

func (m *mediaPlayer) render(v *view) out {
	o := out{state: m.state(v), features: features(m.features())}
	if o.state == "off" {
		return o // Home Assistant shows no media attributes while off
	}
	max := m.volumeMax(v)
	var a Attrs
	if n, ok := v.number(mediaKey + "audio_volume"); ok && n.float() != 0 {
		a = append(a, Attr{"volume_level", jsonNumber(n.float() / max)})
	}
	duration, okD := v.number(mediaKey + "now_playing_duration")
	if okD && duration.float() != 0 {
		a = append(a, Attr{"media_duration", jsonNumber(duration.float() / 1000)})
	}
	if elapsed, ok := v.number(mediaKey + "now_playing_elapsed"); ok && elapsed.float() != 0 && okD && duration.float() != 0 {
		a = append(a, Attr{"media_position", jsonNumber(elapsed.float() / 1000)})
	}
	for _, f := range []struct{ attr, key string }{
		{"media_title", "now_playing_title"}, {"media_artist", "now_playing_artist"},
		{"media_album_name", "now_playing_album"}, {"media_playlist", "now_playing_station"},
		{"source", "now_playing_source"},
	} {
		if x := v.get(mediaKey + f.key); x != nil {
			a = append(a, Attr{f.attr, x})
		}
	}
	o.attrs = a
	return o
}

func (m *mediaPlayer) service(name string) planner {
	need := func(feature int, p planner) planner {
		return needFeature(m.features(), feature, "media_player", name, p)
	}
	play := func(k *call) (*plan, error) {
		if m.state(k.v) == "playing" {
			return noop()
		}
		return sendVehicle(map[string]any{mediaKey + "media_playback_status": "Playing"}, command.MediaTogglePlayback())
	}
	pause := func(k *call) (*plan, error) {
		if m.state(k.v) != "playing" {
			return noop()
		}
		return sendVehicle(map[string]any{mediaKey + "media_playback_status": "Paused"}, command.MediaTogglePlayback())
	}
	switch name {
	case "media_play":
		return need(mediaPlay, play)
	case "media_pause":
		return need(mediaPause, pause)
	case "media_play_pause":
		return need(mediaPlay|mediaPause, func(k *call) (*plan, error) {
			if m.state(k.v) == "playing" {
				return pause(k)
			}
			return play(k)
		})
	case "media_next_track":
		return need(mediaNext, func(*call) (*plan, error) { return sendVehicle(nil, command.MediaNextTrack()) })
	case "media_previous_track":
		return need(mediaPrevious, func(*call) (*plan, error) { return sendVehicle(nil, command.MediaPreviousTrack()) })
	case "volume_set":
		return need(mediaVolumeSet, func(k *call) (*plan, error) {
			level, _ := k.float("volume_level")
			max := m.volumeMax(k.v)
			// int(level × volume_max), truncated, as the integration sends it.
			cmd := command.SetVolume(float64(int(level * max)))
			return sendVehicle(map[string]any{mediaKey + "audio_volume": jsonNumber(level * max)}, cmd)
		})
	}
	return nil
}

func vehicleMediaPlayers(s *setup) []*Entity {
	return []*Entity{s.newEntity(s.vehicle, MediaPlayer, &mediaPlayerMeta, &mediaPlayer{scoped: s.scoped(ScopeVehicleCmds)})}
}

var mediaPlayerMeta = meta{key: "media", name: "Media player", class: "speaker"}
