-- Signing in through a bank (federated, as ДАН lets people use their internet bank): the states
-- that tie a bank's answer to one sign-in, the answers already used, and the development bank's key.

-- One state per sign-in at a time, handed to the bank and expected back with its answer. Used once.
CREATE TABLE identity.bank_login_states (
  state        text PRIMARY KEY,
  uid          text NOT NULL,
  provider     text NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bank_login_states_uid ON identity.bank_login_states (uid);
CREATE INDEX bank_login_states_expires ON identity.bank_login_states (expires_at);

-- Identifiers (jti) of bank answers already accepted, kept until the answer could no longer be
-- valid anyway, so the same signed answer cannot sign anyone in twice.
CREATE TABLE identity.bank_used_answers (
  provider     text NOT NULL,
  jti          text NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, jti)
);
CREATE INDEX bank_used_answers_expires ON identity.bank_used_answers (expires_at);

-- Keys a bank stand-in run by the platform signs with (the development bank), sealed at rest.
CREATE TABLE identity.bank_keys (
  provider     text PRIMARY KEY,
  private_jwk  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
