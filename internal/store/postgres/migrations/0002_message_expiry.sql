-- 0002_message_expiry: when the code or temporary password a message
-- carries stops working (unix ms; the zero time.Time, -62135596800000,
-- means never). The delivery worker drops a message it would send after
-- that instant instead of mailing a dead code.
ALTER TABLE messages ADD COLUMN expires_at BIGINT NOT NULL DEFAULT -62135596800000;
