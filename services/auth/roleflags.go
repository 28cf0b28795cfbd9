package main

import (
	"context"
	"fmt"
)

// roleMaySet reports whether the role may change the settings flag guards (Twenty's
// SettingsPermissionGuard): it can update all settings, or it has the flag. The records Worker
// owns the flags (role_permission_flags); auth only reads them.
func (s *store) roleMaySet(ctx context.Context, roleID, flag string) (bool, error) {
	var ok bool
	err := s.db.QueryRowContext(ctx, `SELECT r.can_update_all_settings = 1 OR EXISTS (
  SELECT 1 FROM role_permission_flags f WHERE f.role_id = r.id AND f.flag = ?) FROM roles r WHERE r.id = ?`, flag, roleID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("read the settings permissions of role %s: %w", roleID, err)
	}
	return ok, nil
}
