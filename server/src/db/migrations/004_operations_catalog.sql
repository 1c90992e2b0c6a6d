-- Operations that create or move a guest name where it ends up; the target is reserved like the source,
-- so two deploys or clones racing for the same new VMID have exactly one winner.
ALTER TABLE operations ADD COLUMN target_vmid integer;
ALTER TABLE operations ADD COLUMN target_node text NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN summary text NOT NULL DEFAULT '';
-- Steps a multi-step operation has completed (their task UPIDs), so a retried job resumes instead of redoing them.
ALTER TABLE operations ADD COLUMN steps jsonb NOT NULL DEFAULT '{}'::jsonb;
-- The worker running an operation holds it with a lease it renews; a second worker (a job redelivered
-- while the first still lives) stands back until the lease lapses.
ALTER TABLE operations ADD COLUMN runner text;
ALTER TABLE operations ADD COLUMN runner_seen timestamptz;
CREATE UNIQUE INDEX operations_one_active_per_target ON operations (cluster_id, target_vmid)
  WHERE state IN ('queued', 'running') AND target_vmid IS NOT NULL;

-- Guests Proximity manages: deployed from the catalog, cloned or restored by it, or adopted.
CREATE TABLE apps (
  cluster_id text NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  vmid       integer NOT NULL,
  app_id     text NOT NULL DEFAULT '',
  origin     text NOT NULL CHECK (origin IN ('deployed', 'adopted', 'cloned', 'restored')),
  config     jsonb NOT NULL DEFAULT '{}'::jsonb,
  url        text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  PRIMARY KEY (cluster_id, vmid)
);

-- Secrets generated for a deployment, sealed with the server's key and shown to the deployer once.
CREATE TABLE deployment_secrets (
  operation_id text PRIMARY KEY REFERENCES operations(id) ON DELETE CASCADE,
  sealed       text NOT NULL,
  revealed_at  timestamptz
);

CREATE TABLE backup_schedules (
  id          text PRIMARY KEY,
  cluster_id  text NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  vmid        integer,
  tag         text,
  cron        text NOT NULL,
  storage     text,
  keep_last   integer NOT NULL CHECK (keep_last >= 1),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL,
  last_run_at timestamptz,
  CHECK ((vmid IS NULL) <> (tag IS NULL))
);
