package command

import "context"

// execREST sends one command as POST /api/1/vehicles/{vin}/command/<name>
// through the fleet client. A result:false comes back as fleet's
// *RefusedError (benign reasons already nil).
func (c *Commander) execREST(ctx context.Context, vin string, cmd Command) (sent bool, err error) {
	name, body := cmd.REST()
	res, err := c.fleet.Command(ctx, vin, name, body)
	if err != nil {
		return true, err
	}
	if res == nil {
		return true, nil
	}
	return true, res.Err()
}
