-- Delivery with retries: a message waits in the outbox until a worker delivers it; a failed attempt
-- is retried later with growing delays, and after the last one the message becomes a dead letter
-- that an operator can send again. In-app messages are kept per person in the inbox.
ALTER TABLE messaging.outbox
  DROP CONSTRAINT outbox_channel_check,
  DROP CONSTRAINT outbox_status_check,
  ADD COLUMN template        text,
  ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A claimed message belongs to one worker until then; a worker that died mid-delivery loses it.
  ADD COLUMN locked_until    timestamptz,
  ADD COLUMN last_error      text,
  ADD COLUMN dead_at         timestamptz;

-- Before retries existed a failed message was simply left; it is a dead letter now.
UPDATE messaging.outbox SET status = 'dead', attempts = 1, dead_at = created_at, last_error = 'delivery failed' WHERE status = 'failed';
UPDATE messaging.outbox SET attempts = 1 WHERE status = 'sent';

ALTER TABLE messaging.outbox
  ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('sms', 'email', 'inApp')),
  ADD CONSTRAINT outbox_status_check CHECK (status IN ('queued', 'sending', 'sent', 'dead'));

CREATE INDEX outbox_due ON messaging.outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_dead ON messaging.outbox (dead_at DESC) WHERE status = 'dead';

-- A person's in-app messages, in both languages so the inbox follows the language of the page.
CREATE TABLE messaging.inbox (
  id               uuid PRIMARY KEY,
  register_number  text NOT NULL,
  outbox_id        uuid NOT NULL,
  template         text,
  purpose          text NOT NULL,
  title_mn         text NOT NULL,
  title_en         text NOT NULL,
  body_mn          text NOT NULL,
  body_en          text NOT NULL,
  -- A page of the portal the message is about (without the language prefix), e.g. an application.
  link             text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  read_at          timestamptz
);
CREATE INDEX inbox_person ON messaging.inbox (register_number, created_at DESC);
CREATE INDEX inbox_unread ON messaging.inbox (register_number) WHERE read_at IS NULL;
