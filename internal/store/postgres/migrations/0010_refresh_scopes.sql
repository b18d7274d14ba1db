-- 0010_refresh_scopes: the OAuth scopes a refresh-token family was granted
-- (issue 17), space-separated; '' for a family an API sign-in started. The
-- token endpoint's refresh_token grant mints its tokens with them again.
ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
