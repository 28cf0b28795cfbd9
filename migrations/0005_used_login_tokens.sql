-- used_login_tokens makes LOGIN tokens single use: the auth Worker inserts a token's id when it
-- exchanges it, and the primary key lets only one of two concurrent exchanges in. Rows are pruned
-- once expires_at (the token's exp) has passed, when the token no longer verifies anyway.
CREATE TABLE used_login_tokens (
  token_id   TEXT PRIMARY KEY,
  expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX used_login_tokens_expiry ON used_login_tokens (expires_at);
