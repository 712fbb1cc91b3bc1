-- Messages to people (SMS, e-mail) and what became of them. The development provider delivers
-- nothing: it keeps messages here, where the outbox page shows them.
CREATE SCHEMA messaging;

CREATE TABLE messaging.outbox (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel      text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient    text NOT NULL,
  lang         text NOT NULL CHECK (lang IN ('mn', 'en')),
  subject      text,
  body         text NOT NULL,
  purpose      text NOT NULL,
  provider     text NOT NULL,
  status       text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz
);
CREATE INDEX outbox_created ON messaging.outbox (created_at DESC);
