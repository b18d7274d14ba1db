-- 0001_init: the initial schema.
--
-- Times are INTEGER unix milliseconds (UTC). Every table that belongs to a
-- pool hangs off pools(id) directly or through users, with ON DELETE CASCADE,
-- so deleting a pool (or a user) removes everything in it in one statement.
-- Text columns use SQLite's default BINARY collation, so ORDER BY and range
-- comparisons on ids and usernames are byte order, as the store contract wants.

CREATE TABLE pools (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    config     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE clients (
    id         TEXT    NOT NULL PRIMARY KEY,
    pool_id    TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    config     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- ListClients pages through one pool's clients by id; the index also serves
-- the ON DELETE CASCADE from pools.
CREATE INDEX clients_pool_id ON clients (pool_id, id);

CREATE TABLE users (
    pool_id       TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    username      TEXT    NOT NULL,
    sub           TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    enabled       INTEGER NOT NULL,
    password_hash TEXT    NOT NULL,
    -- JSON array of {"Name": ..., "Value": ...} objects, in the caller's order.
    attributes    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username)
);

-- The lookup keys of users. The primary key is the uniqueness rule of the
-- contract: within a pool a (kind, value) pair belongs to at most one user.
-- This is deliberately a rowid table: rowid order is insertion order, which
-- is how a user's keys are returned in the order the caller gave them.
CREATE TABLE user_keys (
    pool_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, value),
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);

CREATE INDEX user_keys_user ON user_keys (pool_id, username);

CREATE TABLE refresh_tokens (
    id         TEXT    NOT NULL PRIMARY KEY,
    hash       BLOB    NOT NULL UNIQUE,
    pool_id    TEXT    NOT NULL,
    client_id  TEXT    NOT NULL,
    username   TEXT    NOT NULL,
    auth_time  INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);

CREATE INDEX refresh_tokens_user ON refresh_tokens (pool_id, username);

CREATE TABLE signing_keys (
    pool_id     TEXT    NOT NULL PRIMARY KEY REFERENCES pools (id) ON DELETE CASCADE,
    key_id      TEXT    NOT NULL,
    private_key BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL
);
