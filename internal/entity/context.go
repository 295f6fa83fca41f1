package entity

import "time"

// NewContext is a fresh Home Assistant context (its id a ULID), carrying
// userID when it is not empty: what a surface answers for an action that
// changed no state, or stamps on an event it makes itself.
func NewContext(userID string) Context {
	c := Context{ID: newULID(time.Now())}
	if userID != "" {
		c.UserID = &userID
	}
	return c
}
