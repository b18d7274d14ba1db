-- 0005_message_retention: PruneMessages deletes finished messages (sent,
-- dead, inbox, suppressed) older than the retention. This index makes that
-- four range scans, one per status, that read only messages to delete:
-- never the pending ones, and never the whole outbox when nothing is due.
CREATE INDEX messages_retention ON messages (status, created_at);
