package store

import "context"

// Usage is the cost ledger's row: how many billed requests of a category
// an account made for a device (a VIN or an energy site id) in a calendar
// month ("2006-01").
type Usage struct {
	Account, Device, Category, Month string
	Count                            int
}

// AddUsage adds u.Count to its row, creating it if needed.
func (s *Store) AddUsage(ctx context.Context, u Usage) error {
	_, err := s.exec(ctx, `INSERT INTO usage(account, device, category, month, count) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(account, device, category, month) DO UPDATE SET count = count + excluded.count`,
		u.Account, u.Device, u.Category, u.Month, u.Count)
	return err
}

// UsageFor returns a month's rows, ordered by account, device and category.
func (s *Store) UsageFor(ctx context.Context, month string) ([]Usage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT account, device, category, month, count FROM usage
		WHERE month = ? ORDER BY account, device, category`, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []Usage
	for rows.Next() {
		var u Usage
		if err := rows.Scan(&u.Account, &u.Device, &u.Category, &u.Month, &u.Count); err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}
