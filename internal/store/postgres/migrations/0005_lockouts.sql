-- 0005_lockouts: one record per (pool, subject, kind) for TakeBackoff, the
-- exponential sign-in lockout: how many attempts were allowed since the key
-- last started over, and when the latest allowed and the latest attempt of
-- any answer happened (unix milliseconds). subject is BYTEA as in attempts
-- (unknown users are named with a NUL byte). The last_seen index serves
-- PruneAttempts, which deletes records quiet for longer than every window.
CREATE TABLE lockouts (
    pool_id      TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    subject      BYTEA  NOT NULL,
    kind         TEXT   NOT NULL,
    allowed      BIGINT NOT NULL,
    last_allowed BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    PRIMARY KEY (pool_id, subject, kind)
);

CREATE INDEX lockouts_seen ON lockouts (last_seen);
