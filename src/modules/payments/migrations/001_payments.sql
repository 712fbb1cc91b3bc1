-- Payments: invoices for state fees, their append-only history of events, and the development
-- payment provider's own state (modelled on QPay v2), kept apart from ours as a real provider's is.
CREATE SCHEMA payments;

-- Treasury invoice numbers draw from one sequence so that every process gets distinct numbers.
CREATE SEQUENCE payments.treasury_number_seq;

-- What was asked for; never changed after it is written. State lives in invoice_events.
CREATE TABLE payments.invoices (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key  text        NOT NULL UNIQUE,
  treasury_number  text        NOT NULL UNIQUE,
  reference        text        NOT NULL,
  payer            text        NOT NULL,
  agency_id        text        NOT NULL,
  amount_mnt       bigint      NOT NULL CHECK (amount_mnt > 0),
  description_mn   text        NOT NULL,
  description_en   text        NOT NULL,
  refundable       boolean     NOT NULL,
  provider         text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL
);
CREATE INDEX invoices_payer ON payments.invoices (payer, created_at DESC);
CREATE INDEX invoices_agency ON payments.invoices (agency_id, created_at DESC);

-- The provider's answer to "create invoice": written once, after the invoice row exists, so a
-- crash between the two is healed by asking again with the same idempotency key.
CREATE TABLE payments.provider_invoices (
  invoice_id           uuid        PRIMARY KEY REFERENCES payments.invoices (id),
  provider             text        NOT NULL,
  provider_invoice_id  text        NOT NULL,
  qr_text              text        NOT NULL,
  urls                 jsonb       NOT NULL DEFAULT '[]'::jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, provider_invoice_id)
);

CREATE TABLE payments.invoice_events (
  id                   bigserial   PRIMARY KEY,
  invoice_id           uuid        NOT NULL REFERENCES payments.invoices (id),
  kind                 text        NOT NULL CHECK (kind IN ('created', 'paid', 'refund_requested', 'refunded', 'cancelled', 'expired')),
  at                   timestamptz NOT NULL DEFAULT now(),
  actor_id             text,
  reason               text,
  provider_payment_id  text,
  amount_mnt           bigint,
  -- When the provider says the money moved (paid, refunded); reconciliation is by this date.
  provider_at          timestamptz
);
CREATE INDEX invoice_events_invoice ON payments.invoice_events (invoice_id, id);
CREATE INDEX invoice_events_paid_at ON payments.invoice_events (provider_at) WHERE kind = 'paid';
-- An invoice becomes paid (or refunded, cancelled, expired) once, however many callbacks and
-- processes race: the second insert finds this index and does nothing.
CREATE UNIQUE INDEX invoice_events_once ON payments.invoice_events (invoice_id, kind) WHERE kind IN ('created', 'paid', 'refunded', 'cancelled', 'expired');

CREATE TRIGGER invoices_append_only BEFORE UPDATE OR DELETE ON payments.invoices
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
CREATE TRIGGER invoice_events_append_only BEFORE UPDATE OR DELETE ON payments.invoice_events
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();

-- The development provider's books. Field names follow QPay v2's API so that a real provider
-- maps onto the same interface.
CREATE TABLE payments.dev_provider_invoices (
  invoice_id             text        PRIMARY KEY,
  invoice_code           text        NOT NULL,
  sender_invoice_no      text        NOT NULL UNIQUE,
  sender_branch_code     text        NOT NULL,
  invoice_receiver_code  text        NOT NULL,
  invoice_description    text        NOT NULL,
  amount                 bigint      NOT NULL,
  callback_url           text        NOT NULL,
  created_date           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments.dev_provider_payments (
  payment_id        text        PRIMARY KEY,
  invoice_id        text        NOT NULL UNIQUE REFERENCES payments.dev_provider_invoices (invoice_id),
  payment_status    text        NOT NULL CHECK (payment_status IN ('PAID', 'REFUNDED')),
  payment_amount    bigint      NOT NULL,
  payment_wallet    text        NOT NULL,
  payment_date      timestamptz NOT NULL DEFAULT now(),
  refund_date       timestamptz,
  refund_note       text
);
CREATE INDEX dev_provider_payments_date ON payments.dev_provider_payments (payment_date);
