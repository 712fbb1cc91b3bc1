-- Signing in with a QR code approved on a phone that is already signed in.

-- A person's phones, each with its own key pair made on the phone: only the public key comes here,
-- so an approval signed with it proves that phone took part, not only that someone held a session.
-- Revoked devices are kept (revoked_at) so the person's list shows what was removed and when.
CREATE TABLE identity.devices (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  register_number  text NOT NULL,
  name             text NOT NULL,
  public_key_pem   text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_used_at     timestamptz,
  revoked_at       timestamptz
);
CREATE INDEX devices_person ON identity.devices (register_number, created_at DESC);

-- One QR code shown on a sign-in page (uid: the provider's interaction). The id is what the QR
-- carries; the challenge is what a device signs; the confirmation number is shown on both screens
-- so that a person approves only the sign-in in front of them. consumed_at: the waiting browser has
-- acted on the outcome, so one approval moves one sign-in on, once.
CREATE TABLE identity.qr_logins (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  uid              text NOT NULL,
  register_number  text NOT NULL,
  client_id        text,
  challenge        text NOT NULL,
  confirm_code     text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
  proof            text CHECK (proof IN ('device', 'session')),
  device_id        uuid,
  decided_by       text,
  decided_at       timestamptz,
  consumed_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL
);
CREATE INDEX qr_logins_uid ON identity.qr_logins (uid, created_at DESC);
CREATE INDEX qr_logins_expires ON identity.qr_logins (expires_at);
