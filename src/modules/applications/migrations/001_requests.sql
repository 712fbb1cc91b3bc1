-- Service requests: a reference asked for, an application sent. A request is never changed; what
-- happens to it is appended as actions, and its status is the status the last action set.
CREATE SCHEMA applications;

CREATE SEQUENCE applications.request_number;

CREATE TABLE applications.requests (
  id            uuid PRIMARY KEY,
  -- what the person quotes: UR-yyyy-nnnnnnn
  number        text NOT NULL UNIQUE,
  service_slug  text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('reference', 'application')),
  -- the register number the request is about (the person, their child, a company)
  subject       text NOT NULL,
  subject_name  text NOT NULL,
  -- the person at the keyboard, when acting for another; an official when sent at a service centre
  actor         text,
  agency_id     text NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('portal', 'api', 'operator')),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX requests_subject ON applications.requests (subject, created_at DESC);
CREATE INDEX requests_agency ON applications.requests (agency_id, created_at DESC);

CREATE TABLE applications.request_actions (
  id            bigserial PRIMARY KEY,
  request_id    uuid NOT NULL REFERENCES applications.requests (id),
  status        text NOT NULL CHECK (status IN ('SUBMITTED', 'PROCESSING', 'EDIT', 'FILE_REQUESTED', 'PRINTING', 'COMPLETED', 'GRANTED', 'REJECTED', 'EXPIRED')),
  actor_id      text,
  -- what the action carries: a document id, a reason, the consent used
  details       jsonb NOT NULL DEFAULT '{}'::jsonb,
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_actions_request ON applications.request_actions (request_id, id);

CREATE TRIGGER requests_append_only BEFORE UPDATE OR DELETE ON applications.requests FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
CREATE TRIGGER request_actions_append_only BEFORE UPDATE OR DELETE ON applications.request_actions FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
