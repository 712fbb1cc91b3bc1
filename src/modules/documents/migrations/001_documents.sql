-- Signed e-documents: every reference and every application result the platform issues. A document
-- is never changed or deleted; revoking it appends a revocation. Signing keys are per agency, each
-- certified by the platform's document CA.
CREATE SCHEMA documents;

-- role 'ca': the platform's document-signing CA (one row in use); role 'signer': an agency's signer.
CREATE TABLE documents.keys (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  role            text NOT NULL CHECK (role IN ('ca', 'signer')),
  agency_id       text,
  kid             text NOT NULL UNIQUE,
  certificate_pem text NOT NULL,
  -- sealed with the platform secret (kernel/secrets)
  private_key     text NOT NULL,
  not_after       timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'signer') = (agency_id IS NOT NULL))
);
-- One CA and one signer per agency at a time; racing processes meet on these indexes.
CREATE UNIQUE INDEX keys_one_ca ON documents.keys (role) WHERE role = 'ca';
CREATE UNIQUE INDEX keys_one_signer ON documents.keys (agency_id) WHERE role = 'signer';

CREATE TABLE documents.documents (
  -- 16 characters of Crockford base32 (80 random bits): printed under the QR code, typed by people
  id              text PRIMARY KEY CHECK (id ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
  kind            text NOT NULL CHECK (kind IN ('reference', 'result', 'certificate')),
  title           jsonb NOT NULL,
  subject         text NOT NULL,
  subject_name    text NOT NULL,
  agency_id       text NOT NULL,
  issuer          jsonb NOT NULL,
  body            jsonb NOT NULL,
  -- where it came from: the service, the request number
  source          jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- SHA-256 (hex) over the canonical JSON of everything above and issued_at
  content_hash    text NOT NULL,
  -- JWS (compact, ES256) over { id, sha256, iss, iat } by the agency's signer
  signature       text NOT NULL,
  signer_kid      text NOT NULL REFERENCES documents.keys (kid),
  issued_by       text,
  issued_at       timestamptz NOT NULL,
  valid_until     date
);
CREATE INDEX documents_subject ON documents.documents (subject, issued_at DESC);
CREATE INDEX documents_agency ON documents.documents (agency_id, issued_at DESC);

CREATE TABLE documents.revocations (
  document_id     text PRIMARY KEY REFERENCES documents.documents (id),
  reason          text NOT NULL,
  revoked_by      text,
  revoked_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents.documents FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
CREATE TRIGGER revocations_append_only BEFORE UPDATE OR DELETE ON documents.revocations FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
