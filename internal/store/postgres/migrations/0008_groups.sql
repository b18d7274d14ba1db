-- 0008_groups: a pool's groups and their members (store.Groups, issue 16).
-- A NULL precedence is Cognito's null precedence. Memberships hang off both
-- the group and the user with ON DELETE CASCADE, so deleting either (or the
-- pool, which cascades to both) removes them in the same statement. Names
-- are paged by, so they are COLLATE "C" (byte order). A description is any
-- string (the model has no pattern for it), NUL included, so it is BYTEA
-- holding the string's UTF-8 bytes, as in 0003_nul_safe_text.
CREATE TABLE groups (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    description BYTEA  NOT NULL,
    role_arn    TEXT   NOT NULL,
    precedence  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id    TEXT COLLATE "C" NOT NULL,
    group_name TEXT COLLATE "C" NOT NULL,
    username   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, group_name, username),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups (pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);

-- A user's groups (AdminListGroupsForUser, the token claims) and the
-- ON DELETE CASCADE from users.
CREATE INDEX group_members_user ON group_members (pool_id, username, group_name);
