-- 0004_message_retention: PruneMessages deletes finished messages (sent,
-- dead, inbox, suppressed) older than the retention. This index makes that
-- a range scan per status that reads only messages to delete: never the
-- pending ones, and never the whole outbox when nothing is due.
CREATE INDEX messages_retention ON messages (status, created_at);
