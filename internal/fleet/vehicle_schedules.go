package fleet

// ChargeScheduleData is vehicle_data's charge_schedule_data (fw 2024.26+).
type ChargeScheduleData struct {
	ChargeSchedules           []*ChargeSchedule `json:"charge_schedules,omitempty"`
	ChargeScheduleWindow      *ChargeSchedule   `json:"charge_schedule_window,omitempty"`
	ChargeBuffer              *int              `json:"charge_buffer,omitempty"`
	MaxNumChargeSchedules     *int              `json:"max_num_charge_schedules,omitempty"`
	NextSchedule              *bool             `json:"next_schedule,omitempty"`
	ShowScheduleCompleteState *bool             `json:"show_schedule_complete_state,omitempty"`
	Timestamp                 *ProtoTimestamp   `json:"timestamp,omitempty"`
	Extra                     Extra             `json:"-"`
}

func (v *ChargeScheduleData) UnmarshalJSON(b []byte) error {
	type plain ChargeScheduleData
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v ChargeScheduleData) MarshalJSON() ([]byte, error) {
	type plain ChargeScheduleData
	return encodeObject(plain(v), v.Extra)
}

// ChargeSchedule is one charge schedule. DaysOfWeek is a bitmask: SUN 1,
// MON 2, … SAT 64; times are minutes after midnight.
type ChargeSchedule struct {
	ID           *int64   `json:"id,omitempty"`
	Name         *string  `json:"name,omitempty"`
	DaysOfWeek   *int     `json:"days_of_week,omitempty"`
	StartEnabled *bool    `json:"start_enabled,omitempty"`
	StartTime    *int     `json:"start_time,omitempty"`
	EndEnabled   *bool    `json:"end_enabled,omitempty"`
	EndTime      *int     `json:"end_time,omitempty"`
	OneTime      *bool    `json:"one_time,omitempty"`
	Enabled      *bool    `json:"enabled,omitempty"`
	Latitude     *float64 `json:"latitude,omitempty"`
	Longitude    *float64 `json:"longitude,omitempty"`
	Extra        Extra    `json:"-"`
}

func (v *ChargeSchedule) UnmarshalJSON(b []byte) error {
	type plain ChargeSchedule
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v ChargeSchedule) MarshalJSON() ([]byte, error) {
	type plain ChargeSchedule
	return encodeObject(plain(v), v.Extra)
}

// PreconditioningScheduleData is vehicle_data's preconditioning_schedule_data.
type PreconditioningScheduleData struct {
	PreconditionSchedules         []*PreconditionSchedule `json:"precondition_schedules,omitempty"`
	PreconditioningScheduleWindow *PreconditionSchedule   `json:"preconditioning_schedule_window,omitempty"`
	MaxNumPreconditionSchedules   *int                    `json:"max_num_precondition_schedules,omitempty"`
	NextSchedule                  *bool                   `json:"next_schedule,omitempty"`
	Timestamp                     *ProtoTimestamp         `json:"timestamp,omitempty"`
	Extra                         Extra                   `json:"-"`
}

func (v *PreconditioningScheduleData) UnmarshalJSON(b []byte) error {
	type plain PreconditioningScheduleData
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v PreconditioningScheduleData) MarshalJSON() ([]byte, error) {
	type plain PreconditioningScheduleData
	return encodeObject(plain(v), v.Extra)
}

// PreconditionSchedule is one preconditioning schedule (time in minutes
// after midnight).
type PreconditionSchedule struct {
	ID               *int64   `json:"id,omitempty"`
	Name             *string  `json:"name,omitempty"`
	DaysOfWeek       *int     `json:"days_of_week,omitempty"`
	PreconditionTime *int     `json:"precondition_time,omitempty"`
	OneTime          *bool    `json:"one_time,omitempty"`
	Enabled          *bool    `json:"enabled,omitempty"`
	Latitude         *float64 `json:"latitude,omitempty"`
	Longitude        *float64 `json:"longitude,omitempty"`
	Extra            Extra    `json:"-"`
}

func (v *PreconditionSchedule) UnmarshalJSON(b []byte) error {
	type plain PreconditionSchedule
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v PreconditionSchedule) MarshalJSON() ([]byte, error) {
	type plain PreconditionSchedule
	return encodeObject(plain(v), v.Extra)
}

// ProtoTimestamp is a protobuf-style {"seconds","nanos"} timestamp.
type ProtoTimestamp struct {
	Seconds *int64 `json:"seconds,omitempty"`
	Nanos   *int64 `json:"nanos,omitempty"`
	Extra   Extra  `json:"-"`
}

func (v *ProtoTimestamp) UnmarshalJSON(b []byte) error {
	type plain ProtoTimestamp
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v ProtoTimestamp) MarshalJSON() ([]byte, error) {
	type plain ProtoTimestamp
	return encodeObject(plain(v), v.Extra)
}
