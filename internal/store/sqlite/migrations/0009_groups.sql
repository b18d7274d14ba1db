-- 0009_groups: a pool's groups and their members (store.Groups, issue 16).
-- A NULL precedence is Cognito's null precedence. Memberships hang off both
-- the group and the user with ON DELETE CASCADE, so deleting either (or the
-- pool, which cascades to both) removes them in the same statement.
CREATE TABLE groups (
    pool_id     TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    role_arn    TEXT    NOT NULL,
    precedence  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id    TEXT NOT NULL,
    group_name TEXT NOT NULL,
    username   TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, username),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups (pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username) REFERENCES users (pool_id, username) ON DELETE CASCADE
);

-- A user's groups (AdminListGroupsForUser, the token claims) and the
-- ON DELETE CASCADE from users.
CREATE INDEX group_members_user ON group_members (pool_id, username, group_name);
