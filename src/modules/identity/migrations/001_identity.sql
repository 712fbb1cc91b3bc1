-- The national login: the OpenID Connect provider's own records, people's accounts and sessions,
-- one-time codes, lockouts, staff roles, relying parties and signing keys.
CREATE SCHEMA identity;

-- What oidc-provider keeps (sessions, interactions, codes, tokens, grants), one row per item.
CREATE TABLE identity.oidc_items (
  model        text NOT NULL,
  id           text NOT NULL,
  payload      jsonb NOT NULL,
  grant_id     text,
  uid          text,
  user_code    text,
  expires_at   timestamptz,
  consumed_at  timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_items_grant ON identity.oidc_items (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_items_uid ON identity.oidc_items (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_items_expires ON identity.oidc_items (expires_at);

-- Relying parties, registered by a platform administrator.
CREATE TABLE identity.clients (
  client_id                  text PRIMARY KEY,
  name                       jsonb NOT NULL,
  secret_sealed              text,
  redirect_uris              text[] NOT NULL,
  post_logout_redirect_uris  text[] NOT NULL DEFAULT '{}',
  scopes                     text[] NOT NULL,
  first_party                boolean NOT NULL DEFAULT false,
  active                     boolean NOT NULL DEFAULT true,
  created_by                 text,
  created_at                 timestamptz NOT NULL DEFAULT now()
);

-- ID token signing keys: the newest active one signs; retired keys stay published until removed.
CREATE TABLE identity.signing_keys (
  kid          text PRIMARY KEY,
  private_jwk  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);

-- A person who has signed in at least once. The register number is the key the state knows them by.
CREATE TABLE identity.accounts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  register_number  text NOT NULL UNIQUE,
  kind             text NOT NULL CHECK (kind IN ('citizen', 'foreigner', 'organisation')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_login_at    timestamptz
);

-- Every sign-in attempt's outcome (append-only): the person's history and the lockout evidence.
CREATE TABLE identity.login_events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  register_number  text NOT NULL,
  method           text NOT NULL,
  outcome          text NOT NULL,
  client_id        text,
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_events_person ON identity.login_events (register_number, at DESC);

-- One-time codes sent to a registered mobile number (kept as keyed hashes).
CREATE TABLE identity.login_codes (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  interaction      text NOT NULL,
  register_number  text NOT NULL,
  code_hash        text NOT NULL,
  attempts         int NOT NULL DEFAULT 0,
  expires_at       timestamptz NOT NULL,
  used_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_codes_interaction ON identity.login_codes (interaction);

-- Failures counted per key (a register number, an address): too many lock the key for a while.
CREATE TABLE identity.lockouts (
  key           text PRIMARY KEY,
  failures      int NOT NULL DEFAULT 0,
  window_start  timestamptz NOT NULL DEFAULT now(),
  locked_until  timestamptz
);

-- Portal sessions, so a person can see them and end them from another device.
CREATE TABLE identity.sessions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  register_number  text NOT NULL,
  method           text NOT NULL,
  user_agent       text,
  acting_for       jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  ended_at         timestamptz
);
CREATE INDEX sessions_person ON identity.sessions (register_number, created_at DESC);

-- Staff of an agency and their roles; each change is a new row (the latest row for a person and agency holds).
CREATE TABLE identity.staff_changes (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  register_number  text NOT NULL,
  agency_id        text NOT NULL,
  name             text NOT NULL,
  roles            text[] NOT NULL,
  changed_by       text NOT NULL,
  changed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_changes_person ON identity.staff_changes (register_number, agency_id, id DESC);
CREATE INDEX staff_changes_agency ON identity.staff_changes (agency_id, id DESC);

-- Notarised powers of attorney, entered by a notary: the attorney may act for the grantor from
-- valid_from to valid_until, unless revoked (revoked_at is set once and never cleared).
CREATE TABLE identity.powers_of_attorney (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  grantor          text NOT NULL,
  attorney         text NOT NULL,
  grantor_name     text NOT NULL,
  notarial_number  text NOT NULL,
  valid_from       date NOT NULL,
  valid_until      date NOT NULL,
  recorded_by      text NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at       timestamptz,
  CHECK (valid_until >= valid_from),
  CHECK (grantor <> attorney)
);
CREATE INDEX powers_attorney ON identity.powers_of_attorney (attorney);
CREATE INDEX powers_grantor ON identity.powers_of_attorney (grantor);

-- The exchange consent behind each relying party's grant of data scopes: the claims are read
-- through the exchange under it, and revoking the grant withdraws it.
CREATE TABLE identity.grant_consents (
  grant_id     text PRIMARY KEY,
  consent_id   uuid NOT NULL,
  subject      text NOT NULL,
  client_id    text NOT NULL,
  scopes       text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grant_consents_subject ON identity.grant_consents (subject);

-- A sign-in in progress (one per OpenID interaction): who said they are signing in, and how they
-- proved it. Gone with the interaction; the outcome stays in login_events.
CREATE TABLE identity.login_attempts (
  uid               text PRIMARY KEY,
  register_number   text NOT NULL,
  method            text,
  amr               text[],
  authenticated_at  timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL
);
