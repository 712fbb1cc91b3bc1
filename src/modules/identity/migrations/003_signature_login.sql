-- Sign-in with a digital signature: the platform's citizen certificate authority (its private key
-- sealed under the platform secret) and the one-time challenges a person signs.

-- Certificate authorities the identity module runs; today only 'citizen-ca'.
CREATE TABLE identity.certificate_authorities (
  id                  text PRIMARY KEY,
  private_key_sealed  text NOT NULL,
  public_key_pem      text NOT NULL,
  certificate_pem     text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);

-- A challenge is bound to one sign-in (the interaction uid), expires after a few minutes and is
-- spent by the first attempt to use it, successful or not, so a signature cannot be replayed.
CREATE TABLE identity.signature_challenges (
  challenge    text PRIMARY KEY,
  interaction  text NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signature_challenges_interaction ON identity.signature_challenges (interaction);
CREATE INDEX signature_challenges_expires ON identity.signature_challenges (expires_at);
