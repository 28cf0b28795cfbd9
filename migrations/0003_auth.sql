-- Tables owned by the auth Worker: roles, memberships, API keys, refresh tokens, signing keys and
-- the login throttle. Times are UTC ISO-8601 text, as D1 and SQLite sort them correctly.
ALTER TABLE workspaces ADD COLUMN subdomain TEXT;
CREATE UNIQUE INDEX workspaces_subdomain ON workspaces (subdomain) WHERE subdomain IS NOT NULL;

CREATE TABLE roles (
  id                      TEXT PRIMARY KEY,
  workspace_id            TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  standard_id             TEXT NOT NULL CHECK (standard_id IN ('admin', 'member')),
  label                   TEXT NOT NULL,
  description             TEXT NOT NULL DEFAULT '',
  is_editable             INTEGER NOT NULL DEFAULT 1 CHECK (is_editable IN (0, 1)),
  can_update_all_settings INTEGER NOT NULL DEFAULT 0 CHECK (can_update_all_settings IN (0, 1)),
  created_at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (workspace_id, standard_id)
) STRICT;

-- user_workspaces is Twenty's userWorkspace: a user's membership of a workspace, with the id of
-- the workspaceMember record the records Worker keeps for it.
CREATE TABLE user_workspaces (
  id                  TEXT PRIMARY KEY,
  user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id        TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  workspace_member_id TEXT NOT NULL UNIQUE,
  role_id             TEXT NOT NULL REFERENCES roles (id),
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (user_id, workspace_id)
) STRICT;

CREATE INDEX user_workspaces_workspace ON user_workspaces (workspace_id);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  role_id      TEXT REFERENCES roles (id),
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at);

-- refresh_tokens are Twenty's appTokens of type REFRESH_TOKEN: the jti of each refresh token.
-- session_id ties the refresh tokens of one sign-in and the access tokens issued from them;
-- replaced_by is set when a renewal rotated the token (not when it was revoked by a sign-out).
CREATE TABLE refresh_tokens (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL DEFAULT '',
  session_id   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  replaced_by  TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id, revoked_at);

-- signing_keys hold the ES256 keys; private keys are sealed with the AUTH_KEY_SECRET secret.
CREATE TABLE signing_keys (
  id                 TEXT PRIMARY KEY,
  sealed_private_key BLOB NOT NULL,
  public_key         BLOB NOT NULL,
  created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  retired_at         TEXT
) STRICT;

-- login_throttle counts failed logins per key (an email or a client address) in a window.
CREATE TABLE login_throttle (
  key          TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  failures     INTEGER NOT NULL
) STRICT;
