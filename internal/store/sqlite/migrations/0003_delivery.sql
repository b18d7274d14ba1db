-- 0003_delivery: the delivery side of the outbox: the sender addresses kept
-- with each message, its delivery state and lease, and the audit trail of
-- its delivery attempts.
--
-- Same conventions as 0001 and 0002, with one difference for the new time
-- columns: they are NOT NULL, and the zero time.Time ("due at once", "not
-- leased", "not sent") is stored as its own unix milliseconds,
-- -62135596800000 (0001-01-01T00:00:00Z), the one value the store's ms()
-- conversion already gives it. That instant sorts before every real time,
-- so the claim query compares next_attempt_at and locked_until with now
-- without NULL cases, and its index range stays a plain range.
--
-- Messages that exist before this migration get the state of a new message:
-- no sender addresses, 0 attempts, due at once, not leased, not sent. Those
-- still pending are therefore delivered by the first delivery worker.

-- The pool's EmailConfiguration at enqueue time. ("from" is an SQL keyword.)
ALTER TABLE messages ADD COLUMN from_address TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';

-- Delivery state. attempts counts the rows of message_attempts.
ALTER TABLE messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT -62135596800000;
ALTER TABLE messages ADD COLUMN locked_until INTEGER NOT NULL DEFAULT -62135596800000;
ALTER TABLE messages ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN sent_at INTEGER NOT NULL DEFAULT -62135596800000;

-- The token of the batch that holds (or last held) the lease; '' when the
-- message is not leased. Private to the store: the Mark* methods compare it
-- with the caller's token, and it is never returned as part of a message.
ALTER TABLE messages ADD COLUMN lease_token TEXT NOT NULL DEFAULT '';

-- ClaimMessages looks for status = 'pending' AND next_attempt_at <= now:
-- an equality and a range on this index's prefix, so it reads only due
-- pending messages, not the history of sent ones. GetOutboxStats counts
-- pending and dead messages on the status prefix.
CREATE INDEX messages_claim ON messages (status, next_attempt_at, id);

-- One row per delivery attempt, numbered from 1. The primary key is also
-- the order ListMessageAttempts returns, and serves the ON DELETE CASCADE
-- that removes a message's trail with the message (a future retention job).
CREATE TABLE message_attempts (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    error      TEXT    NOT NULL,
    PRIMARY KEY (message_id, number)
) WITHOUT ROWID;
