CREATE TABLE clusters (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  api_url     text NOT NULL,
  -- token id or user name; the secret lives in its own column so it is never selected by accident
  auth_kind   text NOT NULL CHECK (auth_kind IN ('token', 'ticket')),
  auth_user   text NOT NULL,
  auth_secret text NOT NULL,
  fingerprint text,
  ca_pem      text,
  insecure    boolean NOT NULL DEFAULT false,
  status      text NOT NULL DEFAULT 'connecting',
  last_error  text NOT NULL DEFAULT '',
  last_sync_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE racks (
  id         text PRIMARY KEY,
  cluster_id text NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  position   integer NOT NULL,
  name       text NOT NULL,
  UNIQUE (cluster_id, position)
);

CREATE TABLE hosts (
  cluster_id  text NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  node        text NOT NULL,
  status      text NOT NULL,
  max_cpu     integer NOT NULL DEFAULT 0,
  max_mem_mib integer NOT NULL DEFAULT 0,
  rack_id     text NOT NULL REFERENCES racks(id),
  slot        integer NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, node),
  UNIQUE (rack_id, slot)
);

CREATE TABLE guests (
  cluster_id   text NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  vmid         integer NOT NULL,
  node         text NOT NULL,
  type         text NOT NULL CHECK (type IN ('lxc', 'qemu')),
  name         text NOT NULL,
  status       text NOT NULL,
  tags         text NOT NULL DEFAULT '',
  lock         text NOT NULL DEFAULT '',
  template     boolean NOT NULL DEFAULT false,
  cpus         integer NOT NULL DEFAULT 0,
  max_mem_mib  integer NOT NULL DEFAULT 0,
  max_disk_mib integer NOT NULL DEFAULT 0,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, vmid)
);

CREATE TABLE operations (
  id           text PRIMARY KEY,
  kind         text NOT NULL,
  cluster_id   text NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  vmid         integer NOT NULL,
  node         text NOT NULL,
  guest_type   text NOT NULL,
  requested_by text NOT NULL,
  state        text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  progress     real NOT NULL DEFAULT 0,
  message      text NOT NULL DEFAULT '',
  error        text NOT NULL DEFAULT '',
  upid         text,
  params       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
-- At most one operation in flight per guest: the database, not the caller, decides who wins a race.
CREATE UNIQUE INDEX operations_one_active_per_guest ON operations (cluster_id, vmid)
  WHERE state IN ('queued', 'running');
CREATE INDEX operations_recent ON operations (created_at DESC);

CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  action    text NOT NULL,
  target    text NOT NULL,
  outcome   text NOT NULL,
  detail    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
