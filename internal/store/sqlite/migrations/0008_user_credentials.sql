-- 0008_user_credentials: the user's SRP salt and verifier (derived at every
-- password set, so that USER_SRP_AUTH never needs the password) and MFA
-- settings, both documents owned by the domain layer.
ALTER TABLE users ADD COLUMN srp_verifier BLOB DEFAULT NULL;
ALTER TABLE users ADD COLUMN mfa BLOB DEFAULT NULL;
