-- 0002_recovery: password history, one-time codes, attempt counting and the
-- outbox of messages to deliver.
--
-- Same conventions as 0001: times are INTEGER unix milliseconds (UTC), text
-- columns use the BINARY collation, and what belongs to a pool hangs off it
-- with ON DELETE CASCADE, except messages, which outlive their pool.

-- Earlier password hashes, newest first, as a JSON array of strings. Users
-- that existed before this migration get an empty history.
ALTER TABLE users ADD COLUMN password_history TEXT NOT NULL DEFAULT '[]';

-- When password_hash was last set. NULL is the zero time.Time ("unknown"),
-- which is what users that existed before this migration get.
ALTER TABLE users ADD COLUMN password_changed_at INTEGER DEFAULT NULL;

-- The one outstanding code of each (user, purpose): the primary key is the
-- "latest code wins" rule, PutCode upserts on it. Its (pool_id, username)
-- prefix also serves the ON DELETE CASCADE from users, through which
-- deleting the pool removes the codes too.
CREATE TABLE codes (
    pool_id    TEXT    NOT NULL,
    username   TEXT    NOT NULL,
    purpose    TEXT    NOT NULL,
    mac        BLOB    NOT NULL,
    attribute  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username, purpose),
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);

-- One row per attempt. The subject need not be a user (it can name an
-- unknown one), so the only foreign key is the pool. TakeAttempt deletes,
-- counts and inserts by (pool_id, subject, kind) and a range of at; the same
-- index serves the ON DELETE CASCADE from pools.
CREATE TABLE attempts (
    pool_id TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    subject TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    at      INTEGER NOT NULL
);

CREATE INDEX attempts_subject ON attempts (pool_id, subject, kind, at);

-- The outbox. No foreign keys: a message outlives its pool and its user.
-- AUTOINCREMENT makes ids strictly increasing and never reused, even after
-- the newest message is deleted, so a reader's "after id" cursor stays valid.
CREATE TABLE messages (
    id                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    pool_id           TEXT    NOT NULL,
    username          TEXT    NOT NULL,
    purpose           TEXT    NOT NULL,
    medium            TEXT    NOT NULL,
    destination       TEXT    NOT NULL,
    subject           TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    code              TEXT    NOT NULL,
    suppressed_reason TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    created_at        INTEGER NOT NULL
);

-- A user's inbox (newest first) and a destination's inbox.
CREATE INDEX messages_inbox ON messages (pool_id, username, id);
CREATE INDEX messages_destination ON messages (destination, id);
