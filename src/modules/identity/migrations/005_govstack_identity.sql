-- Relying parties registered through GovStack's Identity API (MOSIP eSignet's client management):
-- they authenticate at the token endpoint with a JWT signed by their own key (private_key_jwt), so
-- the public key they registered is kept; the other fields are what that API records about them.
ALTER TABLE identity.clients
  ADD COLUMN jwks jsonb,
  ADD COLUMN token_endpoint_auth_method text,
  ADD COLUMN relying_party_id text,
  ADD COLUMN logo_uri text,
  ADD COLUMN acr_values text[];
