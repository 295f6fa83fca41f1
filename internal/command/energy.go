package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// siteClient is what SendSite needs from the fleet client; *fleet.Client
// satisfies it.
type siteClient interface {
	SiteCommand(ctx context.Context, siteID int64, name string, body any) error
}

// SendSite sends one energy site command (SetBackupReserve(20), …) to site
// siteID: POST /api/1/energy_sites/{id}/<name>. It refuses an invalid
// command or a vehicle command before anything is sent (fleet.ErrInvalidRequest)
// and never wakes anything. Site commands are not serialised per site: each
// is one request.
func (c *Commander) SendSite(ctx context.Context, siteID int64, cmd Command) error {
	if err := cmd.Err(); err != nil {
		return err
	}
	if !cmd.Site() {
		return &Error{Op: cmd.Name(), Class: fleet.ErrInvalidRequest,
			Err: fmt.Errorf("%s is a vehicle command: use Send", cmd.Name())}
	}
	if siteID <= 0 {
		return &Error{Op: cmd.Name(), Class: fleet.ErrInvalidRequest,
			Err: &fleet.ValidationError{Command: cmd.Name(), Field: "energy_site_id", Reason: "must be positive"}}
	}
	sc, ok := c.fleet.(siteClient)
	if !ok {
		return &Error{Op: cmd.Name(), Class: fleet.ErrNotSupported, Err: errors.New("the fleet client has no energy site commands")}
	}
	name, body := cmd.REST()
	return c.classify(cmd.Name(), "", sc.SiteCommand(ctx, siteID, name, body), true)
}
