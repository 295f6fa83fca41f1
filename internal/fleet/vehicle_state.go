package fleet

// VehicleState is vehicle_data's vehicle_state: doors (df, dr, pf, pr: 0
// closed), trunks (ft, rt), windows (*_window: 0 closed), locks, sentry,
// odometer (mi), tyre pressures (bar), media, software update.
type VehicleState struct {
	APIVersion                 *int            `json:"api_version,omitempty"`
	AutoparkStateV2            *string         `json:"autopark_state_v2,omitempty"`
	AutoparkStateV3            *string         `json:"autopark_state_v3,omitempty"`
	AutoparkStyle              *string         `json:"autopark_style,omitempty"`
	CalendarSupported          *bool           `json:"calendar_supported,omitempty"`
	CarVersion                 *string         `json:"car_version,omitempty"`
	CenterDisplayState         *int            `json:"center_display_state,omitempty"`
	DashcamClipSaveAvailable   *bool           `json:"dashcam_clip_save_available,omitempty"`
	DashcamState               *string         `json:"dashcam_state,omitempty"`
	Df                         *int            `json:"df,omitempty"`
	Dr                         *int            `json:"dr,omitempty"`
	FdWindow                   *int            `json:"fd_window,omitempty"`
	FeatureBitmask             *string         `json:"feature_bitmask,omitempty"`
	FpWindow                   *int            `json:"fp_window,omitempty"`
	Ft                         *int            `json:"ft,omitempty"`
	HomelinkDeviceCount        *int            `json:"homelink_device_count,omitempty"`
	HomelinkNearby             *bool           `json:"homelink_nearby,omitempty"`
	IsUserPresent              *bool           `json:"is_user_present,omitempty"`
	LastAutoparkError          *string         `json:"last_autopark_error,omitempty"`
	Locked                     *bool           `json:"locked,omitempty"`
	MediaInfo                  *MediaInfo      `json:"media_info,omitempty"`
	MediaState                 *MediaState     `json:"media_state,omitempty"`
	NotificationsSupported     *bool           `json:"notifications_supported,omitempty"`
	Odometer                   *float64        `json:"odometer,omitempty"`
	ParsedCalendarSupported    *bool           `json:"parsed_calendar_supported,omitempty"`
	Pf                         *int            `json:"pf,omitempty"`
	Pr                         *int            `json:"pr,omitempty"`
	RdWindow                   *int            `json:"rd_window,omitempty"`
	RemoteStart                *bool           `json:"remote_start,omitempty"`
	RemoteStartEnabled         *bool           `json:"remote_start_enabled,omitempty"`
	RemoteStartSupported       *bool           `json:"remote_start_supported,omitempty"`
	RpWindow                   *int            `json:"rp_window,omitempty"`
	Rt                         *int            `json:"rt,omitempty"`
	SantaMode                  *int            `json:"santa_mode,omitempty"`
	SentryMode                 *bool           `json:"sentry_mode,omitempty"`
	SentryModeAvailable        *bool           `json:"sentry_mode_available,omitempty"`
	ServiceMode                *bool           `json:"service_mode,omitempty"`
	ServiceModePlus            *bool           `json:"service_mode_plus,omitempty"`
	SmartSummonAvailable       *bool           `json:"smart_summon_available,omitempty"`
	SoftwareUpdate             *SoftwareUpdate `json:"software_update,omitempty"`
	SpeedLimitMode             *SpeedLimitMode `json:"speed_limit_mode,omitempty"`
	SummonStandbyModeEnabled   *bool           `json:"summon_standby_mode_enabled,omitempty"`
	SunRoofState               *string         `json:"sun_roof_state,omitempty"`
	SunRoofPercentOpen         *float64        `json:"vehicle_state_sun_roof_percent_open,omitempty"`
	Timestamp                  *int64          `json:"timestamp,omitempty"`
	TpmsHardWarningFl          *bool           `json:"tpms_hard_warning_fl,omitempty"`
	TpmsHardWarningFr          *bool           `json:"tpms_hard_warning_fr,omitempty"`
	TpmsHardWarningRl          *bool           `json:"tpms_hard_warning_rl,omitempty"`
	TpmsHardWarningRr          *bool           `json:"tpms_hard_warning_rr,omitempty"`
	TpmsLastSeenPressureTimeFl *int64          `json:"tpms_last_seen_pressure_time_fl,omitempty"`
	TpmsLastSeenPressureTimeFr *int64          `json:"tpms_last_seen_pressure_time_fr,omitempty"`
	TpmsLastSeenPressureTimeRl *int64          `json:"tpms_last_seen_pressure_time_rl,omitempty"`
	TpmsLastSeenPressureTimeRr *int64          `json:"tpms_last_seen_pressure_time_rr,omitempty"`
	TpmsPressureFl             *float64        `json:"tpms_pressure_fl,omitempty"`
	TpmsPressureFr             *float64        `json:"tpms_pressure_fr,omitempty"`
	TpmsPressureRl             *float64        `json:"tpms_pressure_rl,omitempty"`
	TpmsPressureRr             *float64        `json:"tpms_pressure_rr,omitempty"`
	TpmsRcpFrontValue          *float64        `json:"tpms_rcp_front_value,omitempty"`
	TpmsRcpRearValue           *float64        `json:"tpms_rcp_rear_value,omitempty"`
	TpmsSoftWarningFl          *bool           `json:"tpms_soft_warning_fl,omitempty"`
	TpmsSoftWarningFr          *bool           `json:"tpms_soft_warning_fr,omitempty"`
	TpmsSoftWarningRl          *bool           `json:"tpms_soft_warning_rl,omitempty"`
	TpmsSoftWarningRr          *bool           `json:"tpms_soft_warning_rr,omitempty"`
	ValetMode                  *bool           `json:"valet_mode,omitempty"`
	ValetPinNeeded             *bool           `json:"valet_pin_needed,omitempty"`
	VehicleName                *string         `json:"vehicle_name,omitempty"`
	VehicleSelfTestProgress    *int            `json:"vehicle_self_test_progress,omitempty"`
	VehicleSelfTestRequested   *bool           `json:"vehicle_self_test_requested,omitempty"`
	WebcamAvailable            *bool           `json:"webcam_available,omitempty"`
	Extra                      Extra           `json:"-"`
}

func (v *VehicleState) UnmarshalJSON(b []byte) error {
	type plain VehicleState
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v VehicleState) MarshalJSON() ([]byte, error) {
	type plain VehicleState
	return encodeObject(plain(v), v.Extra)
}

// MediaInfo is vehicle_state.media_info (durations in ms).
type MediaInfo struct {
	A2dpSourceName       *string  `json:"a2dp_source_name,omitempty"`
	AudioVolume          *float64 `json:"audio_volume,omitempty"`
	AudioVolumeIncrement *float64 `json:"audio_volume_increment,omitempty"`
	AudioVolumeMax       *float64 `json:"audio_volume_max,omitempty"`
	MediaPlaybackStatus  *string  `json:"media_playback_status,omitempty"` // "Playing" | "Paused" | "Stopped" | "Off"
	NowPlayingAlbum      *string  `json:"now_playing_album,omitempty"`
	NowPlayingArtist     *string  `json:"now_playing_artist,omitempty"`
	NowPlayingDuration   *int64   `json:"now_playing_duration,omitempty"`
	NowPlayingElapsed    *int64   `json:"now_playing_elapsed,omitempty"`
	NowPlayingSource     *string  `json:"now_playing_source,omitempty"`
	NowPlayingStation    *string  `json:"now_playing_station,omitempty"`
	NowPlayingTitle      *string  `json:"now_playing_title,omitempty"`
	Extra                Extra    `json:"-"`
}

func (v *MediaInfo) UnmarshalJSON(b []byte) error {
	type plain MediaInfo
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v MediaInfo) MarshalJSON() ([]byte, error) {
	type plain MediaInfo
	return encodeObject(plain(v), v.Extra)
}

// MediaState is vehicle_state.media_state.
type MediaState struct {
	RemoteControlEnabled *bool `json:"remote_control_enabled,omitempty"`
	Extra                Extra `json:"-"`
}

func (v *MediaState) UnmarshalJSON(b []byte) error {
	type plain MediaState
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v MediaState) MarshalJSON() ([]byte, error) {
	type plain MediaState
	return encodeObject(plain(v), v.Extra)
}

// SoftwareUpdate is vehicle_state.software_update. Status is "",
// "available", "scheduled", "downloading", "installing" or
// "downloading_wifi_wait".
type SoftwareUpdate struct {
	DownloadPerc           *int    `json:"download_perc,omitempty"`
	ExpectedDurationSec    *int    `json:"expected_duration_sec,omitempty"`
	InstallPerc            *int    `json:"install_perc,omitempty"`
	ScheduledTimeMs        *int64  `json:"scheduled_time_ms,omitempty"`
	Status                 *string `json:"status,omitempty"`
	Version                *string `json:"version,omitempty"`
	WarningTimeRemainingMs *int64  `json:"warning_time_remaining_ms,omitempty"`
	Extra                  Extra   `json:"-"`
}

func (v *SoftwareUpdate) UnmarshalJSON(b []byte) error {
	type plain SoftwareUpdate
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v SoftwareUpdate) MarshalJSON() ([]byte, error) {
	type plain SoftwareUpdate
	return encodeObject(plain(v), v.Extra)
}

// SpeedLimitMode is vehicle_state.speed_limit_mode (mph).
type SpeedLimitMode struct {
	Active          *bool    `json:"active,omitempty"`
	CurrentLimitMph *float64 `json:"current_limit_mph,omitempty"`
	MaxLimitMph     *float64 `json:"max_limit_mph,omitempty"`
	MinLimitMph     *float64 `json:"min_limit_mph,omitempty"`
	PinCodeSet      *bool    `json:"pin_code_set,omitempty"`
	Extra           Extra    `json:"-"`
}

func (v *SpeedLimitMode) UnmarshalJSON(b []byte) error {
	type plain SpeedLimitMode
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v SpeedLimitMode) MarshalJSON() ([]byte, error) {
	type plain SpeedLimitMode
	return encodeObject(plain(v), v.Extra)
}
