-- 0007_used_tokens: single-use tokens (store.Once): SRP secret blocks and
-- sign-in challenge sessions answered once. A mark is kept until its token
-- expires (unix milliseconds); the index serves PruneUsed.
CREATE TABLE used_tokens (
    pool_id    TEXT    NOT NULL,
    token      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (pool_id, token)
);

CREATE INDEX used_tokens_expiry ON used_tokens (expires_at);
