package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// UserStore reads users.
type UserStore struct{ DB bun.IDB }

// FindUserByUsername returns the active user with that username, or
// ENOTFOUND.
func (s UserStore) FindUserByUsername(ctx context.Context, username string) (*creditdesk.User, error) {
	var u creditdesk.User
	err := s.DB.NewRaw(`SELECT id, username, name, role, office_id FROM users WHERE username = ? AND active`, username).
		Scan(ctx, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "user %q does not exist", username)
	}
	if err != nil {
		return nil, fmt.Errorf("find user %q: %w", username, err)
	}
	return &u, nil
}
