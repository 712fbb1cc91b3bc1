-- Applications: form definitions (versioned; a new version never changes answers given under an
-- old one), drafts while a person fills a form in, attachments, and a projection of each request's
-- current state for queues. The projection is rebuilt from the actions, which stay the record.
CREATE TABLE applications.forms (
  slug        text NOT NULL,
  version     integer NOT NULL,
  definition  jsonb NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (slug, version)
);

-- A form being filled in: mutable and disposable, unlike a request.
CREATE TABLE applications.drafts (
  id            uuid PRIMARY KEY,
  slug          text NOT NULL,
  form_version  integer NOT NULL,
  subject       text NOT NULL,
  subject_name  text NOT NULL DEFAULT '',
  -- the official filling it in at a service centre, with the person's consent code; null when the person does
  operator      text,
  answers       jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- what registries said when the form was begun (shown, never asked again)
  facts         jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drafts_subject ON applications.drafts (subject, updated_at DESC);

CREATE TABLE applications.attachments (
  id            uuid PRIMARY KEY,
  -- a draft's until the form is sent, then the request's
  owner_id      uuid NOT NULL,
  field         text NOT NULL,
  filename      text NOT NULL,
  content_type  text NOT NULL,
  size          integer NOT NULL,
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_owner ON applications.attachments (owner_id);

-- One row per request: its status now, who handles it, when it is due. Written in the same
-- transaction as each action. `open` is false once the status is final, so a queue reads only what
-- is still to do, in due order, straight from an index however many decided requests pile up.
CREATE TABLE applications.request_state (
  request_id    uuid PRIMARY KEY REFERENCES applications.requests (id),
  agency_id     text NOT NULL,
  subject       text NOT NULL,
  kind          text NOT NULL,
  status        text NOT NULL,
  open          boolean NOT NULL,
  assigned_to   text,
  paid          boolean NOT NULL DEFAULT true,
  due_at        timestamptz,
  submitted_at  timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX request_state_open ON applications.request_state (agency_id, due_at, request_id) WHERE kind = 'application' AND open;
CREATE INDEX request_state_status ON applications.request_state (agency_id, status, due_at, request_id) WHERE kind = 'application';
CREATE INDEX request_state_subject ON applications.request_state (subject, submitted_at DESC);
CREATE INDEX request_state_assigned ON applications.request_state (assigned_to, status) WHERE assigned_to IS NOT NULL;
