-- EU Digital COVID Certificates: the keys that sign them, the signers of other countries we trust,
-- and the certificates issued. Keys and issued certificates are never updated or deleted: a key's
-- state (in use, retired, removed) is derived from its events.
CREATE SCHEMA health;

-- role: 'csca' (our country signing CA), 'dsc' (our document signers, certified by the CSCA) or
-- 'foreign' (another country's document signer, imported to verify its certificates).
CREATE TABLE health.dcc_keys (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  role            text NOT NULL CHECK (role IN ('csca', 'dsc', 'foreign')),
  -- base64 of the first 8 bytes of SHA-256 over the certificate's DER
  kid             text NOT NULL,
  country         text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  certificate_pem text NOT NULL,
  -- sealed with the platform secret (kernel/secrets); none for foreign signers
  private_key     text,
  not_before      timestamptz NOT NULL,
  not_after       timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text,
  CHECK ((role = 'foreign') = (private_key IS NULL))
);
CREATE UNIQUE INDEX dcc_keys_certificate ON health.dcc_keys (role, kid, md5(certificate_pem));
CREATE INDEX dcc_keys_kid ON health.dcc_keys (kid);

-- 'retired': a DSC no longer signs (its certificates still verify until it expires);
-- 'removed': a foreign signer is no longer trusted.
CREATE TABLE health.dcc_key_events (
  id       bigserial PRIMARY KEY,
  key_id   uuid NOT NULL REFERENCES health.dcc_keys (id),
  action   text NOT NULL CHECK (action IN ('retired', 'removed')),
  at       timestamptz NOT NULL DEFAULT now(),
  actor    text,
  UNIQUE (key_id, action)
);

-- One row per certificate issued, for the person's document list and for revocation later.
CREATE TABLE health.dcc_issued (
  uvci             text PRIMARY KEY,
  register_number  text NOT NULL,
  certificate_type text NOT NULL CHECK (certificate_type IN ('v', 't', 'r')),
  kid              text NOT NULL,
  issued_at        timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  actor            text,
  request_id       text
);
CREATE INDEX dcc_issued_person ON health.dcc_issued (register_number, issued_at DESC);

-- Append-only, like the kernel's audit log.
CREATE TRIGGER dcc_keys_append_only BEFORE UPDATE OR DELETE ON health.dcc_keys FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
CREATE TRIGGER dcc_key_events_append_only BEFORE UPDATE OR DELETE ON health.dcc_key_events FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
CREATE TRIGGER dcc_issued_append_only BEFORE UPDATE OR DELETE ON health.dcc_issued FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
