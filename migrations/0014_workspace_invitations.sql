-- Invitations and a workspace's invite settings (Twenty's workspace.inviteHash,
-- isPublicInviteLinkEnabled and appTokens of type INVITATION_TOKEN), owned by the auth Worker.

-- invite_hash names the workspace in its public invite link ({FRONTEND_URL}/invite/{invite_hash});
-- every workspace has one, drawn when it is created (the trigger) or by this migration.
ALTER TABLE workspaces ADD COLUMN invite_hash TEXT;
ALTER TABLE workspaces ADD COLUMN is_public_invite_link_enabled INTEGER NOT NULL DEFAULT 1
  CHECK (is_public_invite_link_enabled IN (0, 1));
-- settings holds the other settings a client sets through updateWorkspace, as a JSON object.
ALTER TABLE workspaces ADD COLUMN settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings));

UPDATE workspaces SET invite_hash = lower(hex(randomblob(16))) WHERE invite_hash IS NULL;
CREATE UNIQUE INDEX workspaces_invite_hash ON workspaces (invite_hash) WHERE invite_hash IS NOT NULL;

CREATE TRIGGER workspaces_new_invite_hash AFTER INSERT ON workspaces WHEN NEW.invite_hash IS NULL
BEGIN
  UPDATE workspaces SET invite_hash = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;

-- workspace_invitations are the personal invitations: one per workspace and email. The token the
-- email's link carries is kept only as its SHA-256 (token_sha256), so the table cannot be used to
-- join; a resend replaces the row (a new token), joining deletes it.
CREATE TABLE workspace_invitations (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  email        TEXT NOT NULL COLLATE NOCASE,
  -- role_id is the role the invitee joins with (none: the workspace's default, Member).
  role_id      TEXT,
  token_sha256 TEXT NOT NULL UNIQUE,
  expires_at   TEXT NOT NULL,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (workspace_id, email)
) STRICT;
