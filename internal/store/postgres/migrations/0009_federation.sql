-- 0009_federation: what a pool keeps to federate and to serve a hosted UI
-- (issue 16). pool_items holds identity providers, resource servers and UI
-- customizations, each a document owned by the domain layer, keyed by kind
-- and name within the pool. domains holds user pool domains, whose names
-- are unique across every pool. Both go with their pool.
CREATE TABLE pool_items (
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    kind       TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    config     BYTEA  NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, kind, name)
);

CREATE TABLE domains (
    name       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    config     BYTEA  NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX domains_pool ON domains (pool_id, name);
