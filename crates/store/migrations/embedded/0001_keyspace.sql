-- The seed's Redis key space (strings, hashes, lists, expiry) in tables, for the embedded file.
-- Rust side: crates/store/src/embedded/keyspace.rs. Semantics follow Redis exactly, including
-- WRONGTYPE, LPUSH order, LTRIM's negative indexes and "a hash or list dies with its last item".
--
-- Expiry is an absolute time in milliseconds of the injected Clock. An expired key is invisible
-- to reads (they filter on expires_at_ms) and is deleted by the next write that touches it or by
-- the purge at the start of every write transaction.

CREATE TABLE kv (
    id            INTEGER PRIMARY KEY,  -- SCAN visits keys in id order; the cursor is an id
    key           TEXT    NOT NULL UNIQUE,
    type          TEXT    NOT NULL CHECK (type IN ('string', 'hash', 'list')),
    expires_at_ms INTEGER,              -- NULL: no TTL
    value         BLOB,                 -- strings only
    list_head     INTEGER,              -- lists only: position of index 0
    list_len      INTEGER               -- lists only: number of items
);

CREATE INDEX kv_expiry ON kv (expires_at_ms) WHERE expires_at_ms IS NOT NULL;

-- Fields come back sorted by name (Redis returns insertion order for small hashes; nothing in
-- the seed depends on the order, and a WITHOUT ROWID table keyed (id, field) is the fastest to
-- bulk-load).
CREATE TABLE kv_hash (
    id    INTEGER NOT NULL REFERENCES kv (id) ON DELETE CASCADE,
    field TEXT    NOT NULL,
    value BLOB    NOT NULL,
    PRIMARY KEY (id, field)
) WITHOUT ROWID;

-- List index i is at position kv.list_head + i: LPUSH takes list_head - 1, RPUSH
-- list_head + list_len, LTRIM keeps a contiguous run. Keeping head and length on the kv row
-- makes LLEN, LRANGE and LTRIM index lookups instead of scans of the list.
CREATE TABLE kv_list (
    id    INTEGER NOT NULL REFERENCES kv (id) ON DELETE CASCADE,
    pos   INTEGER NOT NULL,
    value BLOB    NOT NULL,
    PRIMARY KEY (id, pos)
) WITHOUT ROWID;

-- A key that changes type (SET over a hash or list) keeps its row, and so its SCAN position;
-- its old items go.
CREATE TRIGGER kv_type_change AFTER UPDATE OF type ON kv WHEN OLD.type <> NEW.type
BEGIN
    DELETE FROM kv_hash WHERE id = OLD.id;
    DELETE FROM kv_list WHERE id = OLD.id;
    UPDATE kv SET list_head = NULL, list_len = NULL WHERE id = OLD.id AND NEW.type <> 'list';
END;

-- Every write goes through this view as single-item commands, one row each, in batch order:
-- keyspace.rs expands `HSET k f1 v1 f2 v2` into HSET_KEY k, HSET k f1 v1, HSET k f2 v2, and
-- `DEL k1 k2` into two DEL rows, and so on (Redis gives the same result either way). The
-- INSTEAD OF triggers below do the work, so a whole batch is ONE
-- `INSERT INTO kv_write SELECT ... FROM json_each(?)` statement: fast for bulk loads, and a
-- WRONGTYPE (RAISE ABORT) undoes the whole statement.
--
--   op        key   field  value  n1                 n2     now_ms
--   SET       key   -      bytes  TTL in ms or NULL  -      Clock now
--   HSET_KEY  key   -      -      -                  -      Clock now   (before a write's HSETs)
--   HSET      key   field  bytes  -                  -      -
--   HDEL      key   field  -      -                  -      Clock now
--   PUSH_KEY  key   -      -      -                  -      Clock now   (before a write's pushes)
--   LPUSH     key   -      bytes  -                  -      -
--   RPUSH     key   -      bytes  -                  -      -
--   LTRIM     key   -      -      start              stop   Clock now
--   DEL       key   -      -      -                  -      -
--   EXPIRE    key   -      -      TTL in ms          -      Clock now
--
-- Every row that looks at a key first deletes it if it has expired ("purge"), so an expired
-- key never causes a WRONGTYPE nor lends its old items to a new key.
CREATE VIEW kv_write (op, key, field, value, n1, n2, now_ms) AS
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;

-- SET overwrites any type and any TTL (SET without a TTL clears one, as in Redis); an expired
-- key is simply overwritten. kv_type_change drops a replaced hash's or list's items.
CREATE TRIGGER kv_write_set INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'SET'
BEGIN
    INSERT INTO kv (key, type, expires_at_ms, value)
        VALUES (NEW.key, 'string', NEW.now_ms + NEW.n1, NEW.value)
        ON CONFLICT (key) DO UPDATE
            SET type = 'string', expires_at_ms = excluded.expires_at_ms, value = excluded.value;
END;

CREATE TRIGGER kv_write_hset_key INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'HSET_KEY'
BEGIN
    DELETE FROM kv WHERE key = NEW.key AND expires_at_ms <= NEW.now_ms;
    SELECT RAISE(ABORT, 'WRONGTYPE') FROM kv WHERE key = NEW.key AND type <> 'hash';
    INSERT INTO kv (key, type) VALUES (NEW.key, 'hash') ON CONFLICT (key) DO NOTHING;
END;

CREATE TRIGGER kv_write_hset INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'HSET'
BEGIN
    INSERT INTO kv_hash (id, field, value)
        SELECT id, NEW.field, NEW.value FROM kv WHERE key = NEW.key
        ON CONFLICT (id, field) DO UPDATE SET value = excluded.value;
END;

CREATE TRIGGER kv_write_hdel INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'HDEL'
BEGIN
    DELETE FROM kv WHERE key = NEW.key AND expires_at_ms <= NEW.now_ms;
    SELECT RAISE(ABORT, 'WRONGTYPE') FROM kv WHERE key = NEW.key AND type <> 'hash';
    DELETE FROM kv_hash
        WHERE id = (SELECT id FROM kv WHERE key = NEW.key) AND field = NEW.field;
    -- Redis deletes a hash with its last field.
    DELETE FROM kv WHERE key = NEW.key AND type = 'hash'
        AND NOT EXISTS (SELECT 1 FROM kv_hash h WHERE h.id = kv.id);
END;

CREATE TRIGGER kv_write_push_key INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'PUSH_KEY'
BEGIN
    DELETE FROM kv WHERE key = NEW.key AND expires_at_ms <= NEW.now_ms;
    SELECT RAISE(ABORT, 'WRONGTYPE') FROM kv WHERE key = NEW.key AND type <> 'list';
    INSERT INTO kv (key, type, list_head, list_len) VALUES (NEW.key, 'list', 0, 0)
        ON CONFLICT (key) DO NOTHING;
END;

CREATE TRIGGER kv_write_lpush INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'LPUSH'
BEGIN
    UPDATE kv SET list_head = list_head - 1, list_len = list_len + 1 WHERE key = NEW.key;
    INSERT INTO kv_list (id, pos, value)
        SELECT id, list_head, NEW.value FROM kv WHERE key = NEW.key;
END;

CREATE TRIGGER kv_write_rpush INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'RPUSH'
BEGIN
    UPDATE kv SET list_len = list_len + 1 WHERE key = NEW.key;
    INSERT INTO kv_list (id, pos, value)
        SELECT id, list_head + list_len - 1, NEW.value FROM kv WHERE key = NEW.key;
END;

-- LTRIM start stop with Redis's index rules (t_list.c): negative indexes count from the end,
-- then start is clamped to [0, len] and stop to [-1, len - 1]; items outside [start, stop]
-- go, and the list dies with its last item. list_head/list_len change only in the last
-- UPDATE, so both DELETEs see the original bounds.
CREATE TRIGGER kv_write_ltrim INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'LTRIM'
BEGIN
    DELETE FROM kv WHERE key = NEW.key AND expires_at_ms <= NEW.now_ms;
    SELECT RAISE(ABORT, 'WRONGTYPE') FROM kv WHERE key = NEW.key AND type <> 'list';
    DELETE FROM kv_list
        WHERE id = (SELECT id FROM kv WHERE key = NEW.key)
          AND pos < (SELECT list_head + MIN(list_len, MAX(0, CASE WHEN NEW.n1 < 0
                                THEN list_len + NEW.n1 ELSE NEW.n1 END))
                     FROM kv WHERE key = NEW.key);
    DELETE FROM kv_list
        WHERE id = (SELECT id FROM kv WHERE key = NEW.key)
          AND pos > (SELECT list_head + MAX(-1, MIN(list_len - 1, CASE WHEN NEW.n2 < 0
                                THEN list_len + NEW.n2 ELSE NEW.n2 END))
                     FROM kv WHERE key = NEW.key);
    UPDATE kv
        SET list_head = list_head + MIN(list_len, MAX(0, CASE WHEN NEW.n1 < 0
                            THEN list_len + NEW.n1 ELSE NEW.n1 END)),
            list_len = MAX(0, MAX(-1, MIN(list_len - 1, CASE WHEN NEW.n2 < 0
                            THEN list_len + NEW.n2 ELSE NEW.n2 END))
                          - MIN(list_len, MAX(0, CASE WHEN NEW.n1 < 0
                            THEN list_len + NEW.n1 ELSE NEW.n1 END)) + 1)
        WHERE key = NEW.key;
    DELETE FROM kv WHERE key = NEW.key AND type = 'list' AND list_len = 0;
END;

CREATE TRIGGER kv_write_del INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'DEL'
BEGIN
    DELETE FROM kv WHERE key = NEW.key;
END;

-- EXPIRE with a TTL of 0 deletes the key, as in Redis 7.
CREATE TRIGGER kv_write_expire INSTEAD OF INSERT ON kv_write WHEN NEW.op = 'EXPIRE'
BEGIN
    DELETE FROM kv WHERE key = NEW.key AND (expires_at_ms <= NEW.now_ms OR NEW.n1 <= 0);
    UPDATE kv SET expires_at_ms = NEW.now_ms + NEW.n1 WHERE key = NEW.key;
END;
