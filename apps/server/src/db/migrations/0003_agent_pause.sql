-- An operator's pause of a whole agent is an attribute of the agent, not one of its statuses:
-- it outlives a lapsed lease (status `offline`) and comes back as status `paused` when the
-- agent renews its lease again. `status` is `paused` only while the agent holds a live lease
-- and is paused.
ALTER TABLE agents ADD COLUMN paused_at timestamptz;
ALTER TABLE agents ADD COLUMN pause_reason text;

UPDATE agents SET paused_at = now(), pause_reason = status_reason WHERE status = 'paused';
