-- 0001_init: the whole schema, written for PostgreSQL (no dialect
-- translation from the SQLite migrations). Times are BIGINT unix
-- milliseconds (UTC), the same representation as the SQLite backend, so
-- both round-trip the contract's millisecond precision identically; the
-- zero time.Time is stored as its own value (-62135596800000).
-- Text that is ordered or paged by uses COLLATE "C": the contract's byte order.

CREATE TABLE pools (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    config     BYTEA  NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE clients (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    secret     TEXT   NOT NULL,
    config     BYTEA  NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX clients_pool_id ON clients (pool_id, id);

CREATE TABLE users (
    pool_id             TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    username            TEXT COLLATE "C" NOT NULL,
    sub                 TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    enabled             BOOLEAN NOT NULL,
    password_hash       TEXT    NOT NULL,
    attributes          JSONB   NOT NULL, -- [{"Name":..,"Value":..}] in the caller's order
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    password_history    JSONB   NOT NULL DEFAULT '[]',
    password_changed_at BIGINT  NOT NULL DEFAULT -62135596800000,
    PRIMARY KEY (pool_id, username)
);

-- A (kind, value) pair belongs to at most one user of a pool. seq keeps a
-- user's keys in the order the caller gave them.
CREATE TABLE user_keys (
    pool_id  TEXT COLLATE "C" NOT NULL,
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    username TEXT COLLATE "C" NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (pool_id, kind, value),
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);
CREATE INDEX user_keys_user ON user_keys (pool_id, username);

CREATE TABLE refresh_tokens (
    id         TEXT    NOT NULL PRIMARY KEY,
    hash       BYTEA   NOT NULL UNIQUE,
    pool_id    TEXT COLLATE "C" NOT NULL,
    client_id  TEXT    NOT NULL,
    username   TEXT COLLATE "C" NOT NULL,
    auth_time  BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    revoked    BOOLEAN NOT NULL DEFAULT FALSE,
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (pool_id, username);

CREATE TABLE signing_keys (
    pool_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES pools (id) ON DELETE CASCADE,
    key_id      TEXT   NOT NULL,
    private_key BYTEA  NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE settings (
    name  TEXT  NOT NULL PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE codes (
    pool_id    TEXT COLLATE "C" NOT NULL,
    username   TEXT COLLATE "C" NOT NULL,
    purpose    TEXT   NOT NULL,
    mac        BYTEA  NOT NULL,
    attribute  TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, username, purpose),
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);

CREATE TABLE attempts (
    pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    subject BYTEA  NOT NULL, -- any string: the domain layer names unknown users with a NUL byte, which TEXT cannot hold
    kind    TEXT   NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX attempts_subject ON attempts (pool_id, subject, kind, at);

-- The outbox: no foreign keys, messages outlive their pool and user.
CREATE TABLE messages (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool_id           TEXT COLLATE "C" NOT NULL,
    username          TEXT COLLATE "C" NOT NULL,
    purpose           TEXT   NOT NULL,
    medium            TEXT   NOT NULL,
    destination       TEXT   NOT NULL,
    subject           TEXT   NOT NULL,
    body              TEXT   NOT NULL,
    code              TEXT   NOT NULL,
    suppressed_reason TEXT   NOT NULL,
    status            TEXT   NOT NULL,
    created_at        BIGINT NOT NULL,
    from_address      TEXT   NOT NULL DEFAULT '',
    reply_to          TEXT   NOT NULL DEFAULT '',
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT NOT NULL DEFAULT -62135596800000,
    locked_until      BIGINT NOT NULL DEFAULT -62135596800000,
    last_error        TEXT   NOT NULL DEFAULT '',
    sent_at           BIGINT NOT NULL DEFAULT -62135596800000,
    lease_token       TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX messages_inbox ON messages (pool_id, username, id);
CREATE INDEX messages_destination ON messages (destination, id);
CREATE INDEX messages_claim ON messages (status, next_attempt_at, id);

CREATE TABLE message_attempts (
    message_id BIGINT  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    at         BIGINT  NOT NULL,
    error      TEXT    NOT NULL,
    PRIMARY KEY (message_id, number)
);
