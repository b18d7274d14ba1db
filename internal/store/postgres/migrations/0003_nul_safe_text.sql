-- 0003_nul_safe_text: columns that hold client strings Cognito's model does
-- not restrict by a pattern can now hold every valid string, NUL included.
--
-- PostgreSQL's text types cannot hold U+0000 (SQLSTATE 22021) and JSONB
-- refuses the \u0000 escape (22P05), yet an attribute value is any string
-- of up to 2048 characters, and so are the texts derived from attribute
-- values or returned by a CustomMessage Lambda (destination, subject, body),
-- a temporary password (any non-space characters, so NUL too) carried as a
-- message's code, and a delivery channel's error text. Those columns become BYTEA holding
-- the string's UTF-8 bytes, as attempts.subject already is; the attribute
-- list stays JSON, kept as text, where NUL is written as the escape \u0000
-- and read back as NUL. Names the domain layer checks against the model's
-- patterns (usernames, attribute names, pool and client names, IDs) cannot
-- contain control characters and stay TEXT COLLATE "C".
--
-- ALTER TYPE rewrites each table once, under an exclusive lock: on a large
-- outbox run `userpool migrate` in a quiet moment.

ALTER TABLE users ALTER COLUMN attributes TYPE TEXT USING attributes::text;

-- Lookup keys include attribute values (email, phone_number,
-- preferred_username); the primary key is rebuilt on the new type.
ALTER TABLE user_keys ALTER COLUMN value TYPE BYTEA USING convert_to(value, 'UTF8');

ALTER TABLE codes ALTER COLUMN attribute TYPE BYTEA USING convert_to(attribute, 'UTF8');

-- The defaults are text expressions, which ALTER TYPE does not convert.
ALTER TABLE messages
    ALTER COLUMN from_address DROP DEFAULT,
    ALTER COLUMN reply_to DROP DEFAULT,
    ALTER COLUMN last_error DROP DEFAULT;
ALTER TABLE messages
    ALTER COLUMN username TYPE BYTEA USING convert_to(username, 'UTF8'),
    ALTER COLUMN destination TYPE BYTEA USING convert_to(destination, 'UTF8'),
    ALTER COLUMN subject TYPE BYTEA USING convert_to(subject, 'UTF8'),
    ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8'),
    ALTER COLUMN code TYPE BYTEA USING convert_to(code, 'UTF8'),
    ALTER COLUMN from_address TYPE BYTEA USING convert_to(from_address, 'UTF8'),
    ALTER COLUMN reply_to TYPE BYTEA USING convert_to(reply_to, 'UTF8'),
    ALTER COLUMN last_error TYPE BYTEA USING convert_to(last_error, 'UTF8');
ALTER TABLE messages
    ALTER COLUMN from_address SET DEFAULT ''::bytea,
    ALTER COLUMN reply_to SET DEFAULT ''::bytea,
    ALTER COLUMN last_error SET DEFAULT ''::bytea;

ALTER TABLE message_attempts ALTER COLUMN error TYPE BYTEA USING convert_to(error, 'UTF8');
