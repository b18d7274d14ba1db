-- 0006_lockouts: one record per (pool, subject, kind) for TakeBackoff, the
-- exponential sign-in lockout: how many attempts were allowed since the key
-- last started over, and when the latest allowed and the latest attempt of
-- any answer happened (unix milliseconds). The last_seen index serves
-- PruneAttempts, which deletes records quiet for longer than every window.
CREATE TABLE lockouts (
    pool_id      TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    subject      TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    allowed      INTEGER NOT NULL,
    last_allowed INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    PRIMARY KEY (pool_id, subject, kind)
);

CREATE INDEX lockouts_seen ON lockouts (last_seen);
