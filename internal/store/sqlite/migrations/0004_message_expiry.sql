-- 0004_message_expiry: when the code or temporary password a message
-- carries stops working. The delivery worker drops a message it would send
-- after that instant instead of mailing a dead code. Zero time ("never",
-- as in 0003) for messages from before this migration.
ALTER TABLE messages ADD COLUMN expires_at INTEGER NOT NULL DEFAULT -62135596800000;
