-- Sign-in attempts (regen/accounts.py authenticate is the only caller; run as the owner; migration 0076).

-- name: signin_lock_address
-- Serialises the count-then-insert of one address's attempts (held for a few statements only).
SELECT pg_advisory_xact_lock(hashtext('regen-signin:' || %(address)s));

-- name: signin_limits
SELECT
  (SELECT count(*) FROM signin_attempts
    WHERE address = %(address)s AND at > now() - interval '1 minute')::int AS from_address,
  (SELECT count(*) FROM signin_attempts
    WHERE account = %(account)s AND outcome = 'wrong' AND at > now() - interval '1 hour')::int
    AS account_failures,
  EXISTS (SELECT 1 FROM signin_attempts
           WHERE account = %(account)s AND address = %(address)s AND outcome = 'ok'
             AND at > now() - interval '30 days') AS known_address,
  (SELECT count(*) FROM signin_attempts a
    WHERE a.account = %(account)s AND a.address = %(address)s AND a.outcome = 'wrong'
      AND a.at > now() - make_interval(mins => %(lock_minutes)s)
      AND a.at > COALESCE((SELECT max(o.at) FROM signin_attempts o
                            WHERE o.account = %(account)s AND o.address = %(address)s
                              AND o.outcome = 'ok'), '-infinity'))::int AS pair_failures;

-- name: signin_attempt
INSERT INTO signin_attempts (address, account) VALUES (%(address)s, %(account)s) RETURNING id;

-- name: signin_prune
DELETE FROM signin_attempts WHERE at < now() - interval '30 days';

-- name: signin_outcome
UPDATE signin_attempts SET outcome = %(outcome)s WHERE id = %(id)s;

-- name: signin_account
SELECT name, role, province_code, password_hash, disabled FROM users WHERE name = %(account)s;

-- name: signin_accepted
UPDATE users SET last_login_at = now(), password_hash = %(password_hash)s WHERE name = %(account)s;

-- name: signin_locked_addresses
-- Per account: how many addresses are locked out of it now (for `regen users list`).
SELECT account, count(DISTINCT address)::int AS addresses
FROM (
  SELECT a.account, a.address, count(*) AS failures
  FROM signin_attempts a
  WHERE a.outcome = 'wrong' AND a.at > now() - make_interval(mins => %(lock_minutes)s)
    AND a.at > COALESCE((SELECT max(o.at) FROM signin_attempts o
                          WHERE o.account = a.account AND o.address = a.address AND o.outcome = 'ok'),
                        '-infinity')
  GROUP BY a.account, a.address
) per_pair
WHERE failures >= %(max_failures)s
GROUP BY account;

-- name: signin_forget_failures
-- A new password lifts the account's lock-outs: the failures before it are of the old one.
UPDATE signin_attempts SET outcome = 'forgiven' WHERE account = %(account)s AND outcome = 'wrong';
