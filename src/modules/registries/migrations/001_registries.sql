-- Base registries and any registry an operator defines: each is a JSON Schema and a set of JSON
-- records. Every change to a record is an event (append-only); `records` holds the current state
-- derived from them, so reads never replay history.
CREATE SCHEMA registries;

CREATE TABLE registries.registries (
  id             text PRIMARY KEY CHECK (id ~ '^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$'),
  name           text NOT NULL,
  version        text NOT NULL CHECK (version ~ '^[a-zA-Z0-9._-]{1,20}$'),
  database_id    bigint NOT NULL UNIQUE,
  -- GovStack's databaseID as text when it is a code (e.g. "MCTS") rather than a number.
  database_code  text,
  owner_agency   text NOT NULL,
  title_mn       text NOT NULL,
  title_en       text NOT NULL,
  description_mn text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT '',
  schema         jsonb NOT NULL,
  key_field      text NOT NULL,
  subject_paths  text[] NOT NULL DEFAULT '{}',
  indexed_fields text[] NOT NULL DEFAULT '{}',
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, version)
);

CREATE TABLE registries.records (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  registry_id text NOT NULL REFERENCES registries.registries (id),
  key         text NOT NULL,
  -- Register numbers of the people the record is about (from the registry's subject paths).
  subjects    text[] NOT NULL DEFAULT '{}',
  content     jsonb NOT NULL,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (registry_id, key)
);
CREATE INDEX records_subjects ON registries.records USING gin (subjects);
CREATE INDEX records_registry ON registries.records (registry_id, created_at, id);

-- An 'import' event (bulk loads: the population generator, file imports) does not repeat the
-- content it loaded: that content stays in the record until its first change, whose event keeps
-- it in `previous`. So history is complete without storing a whole country twice.
CREATE TABLE registries.record_events (
  id          bigserial PRIMARY KEY,
  record_id   uuid NOT NULL,
  registry_id text NOT NULL,
  version     integer NOT NULL,
  action      text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import')),
  content     jsonb,
  previous    jsonb,
  actor       text,
  request_id  text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_events_record ON registries.record_events (record_id, version);
CREATE TRIGGER record_events_append_only BEFORE UPDATE OR DELETE ON registries.record_events
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();

-- GovStack's Database API: a catalogue of database definitions (schema documents kept verbatim,
-- in GovStack's format). Urtuu's own registries are listed beside them (see govstack.ts).
CREATE TABLE registries.databases (
  id         bigint PRIMARY KEY,
  code       text NOT NULL,
  name       text NOT NULL,
  version    text NOT NULL,
  body       jsonb NOT NULL,
  deleted_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX databases_code ON registries.databases (code) WHERE deleted_at IS NULL;
