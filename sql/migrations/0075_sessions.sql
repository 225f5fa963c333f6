-- Sessions kept on the server (issue 12): the browser's cookie carries only a random token, and this
-- table holds its SHA-256 digest (a copy of the table does not open sessions). A session ends — for
-- every copy of the cookie — when it is signed out (alone or "everywhere"), when it has been unused
-- longer than REGEN_SESSION_IDLE_MINUTES, and when its account's password changes or the account is
-- disabled (the trigger below, so an edit by hand ends them too). Read and written as the owner only.
CREATE TABLE sessions (
    id           bigserial PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    account      text NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),  -- moved at most once a minute (regen/sessions.py)
    ended_at     timestamptz,
    ended_why    text CHECK (ended_why IN ('signed_out', 'signed_out_everywhere', 'idle', 'password', 'disabled')),
    CHECK ((ended_at IS NULL) = (ended_why IS NULL))
);
CREATE INDEX sessions_open_by_account ON sessions (account) WHERE ended_at IS NULL;

CREATE FUNCTION end_sessions_of_changed_account() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE sessions
     SET ended_at = now(),
         ended_why = CASE WHEN NEW.disabled AND NOT OLD.disabled THEN 'disabled' ELSE 'password' END
   WHERE account = NEW.name AND ended_at IS NULL;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION end_sessions_of_changed_account() FROM PUBLIC;

CREATE TRIGGER users_end_sessions AFTER UPDATE OF password_hash, disabled ON users FOR EACH ROW
  WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR (NEW.disabled AND NOT OLD.disabled))
  EXECUTE FUNCTION end_sessions_of_changed_account();

-- Like `users`: nothing that runs under a user's scope reads or writes sessions.
REVOKE ALL ON sessions FROM PUBLIC, regen_app, regen_etl;
REVOKE ALL ON sessions_id_seq FROM PUBLIC, regen_app, regen_etl;
