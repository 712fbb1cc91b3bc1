-- The data exchange: members and their subsystems, the keys they sign with, the services they
-- provide and who may call them, consents of the people whose data moves, and the message log.
CREATE SCHEMA exchange;

CREATE TABLE exchange.members (
  id           text PRIMARY KEY,            -- INSTANCE/CLASS/CODE
  instance     text NOT NULL,
  member_class text NOT NULL,
  member_code  text NOT NULL,
  name_mn      text NOT NULL,
  name_en      text NOT NULL,
  agency_id    text,                        -- the catalogue agency, for government members
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (instance, member_class, member_code)
);

CREATE TABLE exchange.subsystems (
  id             text PRIMARY KEY,          -- INSTANCE/CLASS/CODE/SUBSYSTEM
  member_id      text NOT NULL REFERENCES exchange.members (id),
  subsystem_code text NOT NULL,
  name_mn        text NOT NULL,
  name_en        text NOT NULL,
  -- How its information system proves itself to this node: a signature with a registered key,
  -- a TLS client certificate, or (for systems on the node's own host) the loopback interface.
  auth_mode      text NOT NULL DEFAULT 'signature' CHECK (auth_mode IN ('signature', 'tls', 'local')),
  -- The exchange node that serves it; NULL for this (central) node.
  node_id        text,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (member_id, subsystem_code)
);

CREATE TABLE exchange.subsystem_keys (
  key_id          text PRIMARY KEY,         -- what a request names in its signature (keyid)
  subsystem_id    text NOT NULL REFERENCES exchange.subsystems (id),
  public_key_pem  text NOT NULL,
  certificate_pem text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz
);

CREATE TABLE exchange.services (
  id            text PRIMARY KEY,           -- subsystem id / SERVICE
  subsystem_id  text NOT NULL REFERENCES exchange.subsystems (id),
  service_code  text NOT NULL,
  title_mn      text NOT NULL,
  title_en      text NOT NULL,
  description_mn text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT '',
  -- 'internal': answered inside the platform (a registry); 'rest': forwarded to base_url.
  kind          text NOT NULL CHECK (kind IN ('internal', 'rest')),
  base_url      text,
  handler       text,
  openapi       jsonb,
  -- Requests carry a person's data: they need consent evidence and show in that person's log.
  personal      boolean NOT NULL DEFAULT false,
  timeout_ms    integer NOT NULL DEFAULT 10000,
  status        text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subsystem_id, service_code)
);

CREATE TABLE exchange.access_rights (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  service_id  text NOT NULL REFERENCES exchange.services (id),
  client_id   text NOT NULL,                -- a subsystem, or a whole member
  method      text NOT NULL DEFAULT '*',
  path        text NOT NULL DEFAULT '/**',  -- glob: * within a segment, ** across segments
  granted_at  timestamptz NOT NULL DEFAULT now(),
  granted_by  text,
  revoked_at  timestamptz
);
CREATE INDEX access_rights_service ON exchange.access_rights (service_id) WHERE revoked_at IS NULL;

CREATE TABLE exchange.nodes (
  id                      text PRIMARY KEY,
  address                 text NOT NULL,    -- https://host:port of its node-to-node interface
  certificate_fingerprint text NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);

-- The platform's own keys (log signing, the exchange CA, this node's TLS certificate),
-- private parts sealed with the platform secret.
CREATE TABLE exchange.keys (
  id              text PRIMARY KEY,
  private_key     text NOT NULL,
  public_key_pem  text NOT NULL,
  certificate_pem text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Consent given by a person (the subject) for a client to read their data through named
-- services, for a purpose, until a time. Never changed; withdrawals are recorded beside it.
CREATE TABLE exchange.consents (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subject     text NOT NULL,
  client_id   text NOT NULL,
  services    text[] NOT NULL,
  purpose     text NOT NULL,
  method      text NOT NULL CHECK (method IN ('code', 'portal', 'operator')),
  granted_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX consents_subject ON exchange.consents (subject, granted_at DESC);
CREATE TRIGGER consents_append_only BEFORE UPDATE OR DELETE ON exchange.consents
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();

CREATE TABLE exchange.consent_withdrawals (
  consent_id uuid PRIMARY KEY REFERENCES exchange.consents (id),
  at         timestamptz NOT NULL DEFAULT now(),
  by_whom    text NOT NULL
);
CREATE TRIGGER consent_withdrawals_append_only BEFORE UPDATE OR DELETE ON exchange.consent_withdrawals
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();

-- One-time codes sent to a person's registered phone; redeemed once into a short consent.
CREATE TABLE exchange.consent_codes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subject     text NOT NULL,
  client_id   text NOT NULL,
  services    text[] NOT NULL,
  purpose     text NOT NULL,
  code_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  consent_id  uuid
);
CREATE INDEX consent_codes_subject ON exchange.consent_codes (subject, client_id, created_at DESC);

-- Signed requests seen recently, so a replay is refused on every process.
CREATE TABLE exchange.seen_requests (
  key_id text NOT NULL,
  nonce  text NOT NULL,
  at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key_id, nonce)
);

-- Every message through the exchange. Append-only; each entry's hash covers the previous one's,
-- and batches of entries are signed (exchange.log_batches).
CREATE TABLE exchange.message_log (
  seq               bigserial PRIMARY KEY,
  at                timestamptz NOT NULL,
  request_id        uuid NOT NULL UNIQUE,
  message_id        text,
  client            text,
  service           text,
  method            text NOT NULL,
  path              text NOT NULL,
  status            integer NOT NULL,
  error_type        text,
  user_id           text,
  -- Keyed hashes (HMAC) of the register numbers of the people whose data was read.
  subjects          text[] NOT NULL DEFAULT '{}',
  purpose           text,
  consent_id        uuid,
  issue             text,
  represented_party text,
  request_hash      text,
  response_hash     text,
  duration_ms       double precision NOT NULL,
  node              text NOT NULL,
  prev_hash         text NOT NULL,
  entry_hash        text NOT NULL,
  batch_id          bigint NOT NULL
);
CREATE INDEX message_log_subjects ON exchange.message_log USING gin (subjects);
CREATE INDEX message_log_client ON exchange.message_log (client, seq DESC);
CREATE TRIGGER message_log_append_only BEFORE UPDATE OR DELETE ON exchange.message_log
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();

CREATE TABLE exchange.log_batches (
  id         bigint PRIMARY KEY,
  first_seq  bigint NOT NULL,
  last_seq   bigint NOT NULL,
  last_hash  text NOT NULL,
  merkle_root text NOT NULL,
  key_id     text NOT NULL,
  signature  text NOT NULL,
  signed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER log_batches_append_only BEFORE UPDATE OR DELETE ON exchange.log_batches
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();
