-- Sessions that end before their token expires (user-service; checked by every token verifier).
-- A token carries its user's token generation and a session id: a password change or deletion
-- bumps the generation and so ends every session of the user at once; a logout records its one
-- session id here until the token would have expired anyway.
ALTER TABLE users ADD COLUMN token_generation INT NOT NULL DEFAULT 0;

CREATE TABLE revoked_sessions (
  session_id VARCHAR(32) NOT NULL,
  user_id    BIGINT      NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (session_id)
) ${tableOptions};
CREATE INDEX idx_revoked_sessions_user ON revoked_sessions (user_id, expires_at);
