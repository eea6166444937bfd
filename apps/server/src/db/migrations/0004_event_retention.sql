-- Events are kept for a retention window (XEM_EVENTS_RETENTION_SECONDS) and pruned past it.
-- The single row records the highest pruned id: a stream resuming from an id below it may have
-- missed pruned events and is told to refetch (the `*.connection.resync` frame).
CREATE TABLE event_retention (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  pruned_through bigint NOT NULL DEFAULT 0,
  pruned_at timestamptz
);
INSERT INTO event_retention (singleton) VALUES (true);
