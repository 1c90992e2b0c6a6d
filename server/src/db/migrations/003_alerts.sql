-- Conditions the reconciler found and could not fix safely; open until the condition is gone.
CREATE TABLE alerts (
  id         text PRIMARY KEY,
  cluster_id text NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  vmid       integer NOT NULL DEFAULT 0,
  kind       text NOT NULL,
  message    text NOT NULL,
  raised_at  timestamptz NOT NULL,
  cleared_at timestamptz
);
CREATE INDEX alerts_open ON alerts (cluster_id) WHERE cleared_at IS NULL;
