-- 0010_federation: what a pool keeps to federate and to serve a hosted UI
-- (issue 16). pool_items holds identity providers, resource servers and UI
-- customizations, each a document owned by the domain layer, keyed by kind
-- and name within the pool. domains holds user pool domains, whose names
-- are unique across every pool. Both go with their pool.
CREATE TABLE pool_items (
    pool_id    TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    config     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (pool_id, kind, name)
);

CREATE TABLE domains (
    name       TEXT    NOT NULL PRIMARY KEY,
    pool_id    TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    config     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX domains_pool ON domains (pool_id, name);
