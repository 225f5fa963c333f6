-- Sign-in attempts (issue 12), the memory behind three limits that hold across every worker and
-- host (regen/accounts.py authenticate; the numbers are settings):
--   * per address: at most REGEN_LOGIN_PER_MINUTE attempts a minute reach the password check; more
--     are answered 429 at once, with no row written and no hash computed;
--   * per account AND address: REGEN_LOGIN_MAX_FAILURES failures since the pair's last success lock
--     that pair for REGEN_LOGIN_LOCK_MINUTES — someone elsewhere cannot lock an officer out;
--   * per account from every address: after REGEN_LOGIN_ACCOUNT_PER_HOUR failures in an hour, only
--     addresses that signed in to it in the last 30 days may try (429 for the others).
-- A new password turns the account's earlier failures 'forgiven' (they no longer count).
-- `account` is the name as typed, existing or not, so every limit treats unknown names alike.
CREATE TABLE signin_attempts (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    address text NOT NULL,
    account text NOT NULL,
    outcome text NOT NULL DEFAULT 'pending'
             CHECK (outcome IN ('pending', 'ok', 'wrong', 'locked', 'forgiven'))
);
CREATE INDEX signin_attempts_address ON signin_attempts (address, at);
CREATE INDEX signin_attempts_account ON signin_attempts (account, at);

-- The lock lives here now, per account and address: the per-account columns go.
ALTER TABLE users DROP COLUMN failed_attempts, DROP COLUMN locked_until;

REVOKE ALL ON signin_attempts FROM PUBLIC, regen_app, regen_etl;
REVOKE ALL ON signin_attempts_id_seq FROM PUBLIC, regen_app, regen_etl;
