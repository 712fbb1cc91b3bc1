-- The platform's audit log: append-only. Rows can be added, never changed or removed.
CREATE TABLE kernel.audit_log (
  id           bigserial   PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor_id     text,
  actor_name   text,
  action       text        NOT NULL,
  subject_type text        NOT NULL,
  subject_id   text        NOT NULL,
  details      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  request_id   text
);
CREATE INDEX audit_log_subject ON kernel.audit_log (subject_type, subject_id, id DESC);

CREATE FUNCTION kernel.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table %.% is append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME;
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON kernel.audit_log
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
