-- Server-side sessions (regen/sessions.py is the only caller; run as the owner). %(token)s is the
-- SHA-256 digest of the cookie's token, never the token itself.

-- name: session_start
INSERT INTO sessions (token_hash, account) VALUES (%(token)s, %(account)s) RETURNING id;

-- name: session_prune
-- Sessions ended or unused for 30 days are of no further use (the log keeps sign-ins and sign-outs).
DELETE FROM sessions WHERE COALESCE(ended_at, last_seen_at) < now() - interval '30 days';

-- name: session_current
SELECT s.id, u.name, u.role, u.province_code,
       s.last_seen_at < now() - make_interval(mins => %(idle_minutes)s) AS idle,
       s.last_seen_at < now() - make_interval(secs => %(touch_seconds)s) AS stale
FROM sessions s JOIN users u ON u.name = s.account
WHERE s.token_hash = %(token)s AND s.ended_at IS NULL AND NOT u.disabled;

-- name: session_touch
UPDATE sessions SET last_seen_at = now() WHERE id = %(id)s AND ended_at IS NULL;

-- name: session_end
UPDATE sessions SET ended_at = now(), ended_why = %(why)s
WHERE token_hash = %(token)s AND ended_at IS NULL
RETURNING account;

-- name: session_end_all
-- Every open session of the account that holds this token ("sign out everywhere").
UPDATE sessions SET ended_at = now(), ended_why = 'signed_out_everywhere'
WHERE ended_at IS NULL
  AND account = (SELECT account FROM sessions WHERE token_hash = %(token)s AND ended_at IS NULL)
RETURNING account;
