-- Audit events of the embedded store: the seed's 11 fields (CONTRACT §6.1) as columns, so the
-- console can filter, page and aggregate without a search server.
--
-- ts is microseconds since the Unix epoch, UTC (the seed's naive timestamps are UTC): an integer
-- sorts and buckets faster than ISO text and keeps the seed's microseconds exactly.
-- details is the event's JSON object as compact UTF-8 text (key order kept).
CREATE TABLE audit_events (
    event_id   TEXT    NOT NULL PRIMARY KEY,
    ts         INTEGER NOT NULL,
    event_type TEXT    NOT NULL,
    user_id    TEXT,
    ip_address TEXT    NOT NULL,
    user_agent TEXT    NOT NULL,
    resource   TEXT,
    action     TEXT    NOT NULL,
    result     TEXT    NOT NULL,
    details    TEXT    NOT NULL DEFAULT '{}',
    severity   TEXT    NOT NULL
);

-- Newest-first paging with the (ts, event_id) keyset cursor.
CREATE INDEX audit_events_ts ON audit_events (ts DESC, event_id DESC);
-- The seed's query shapes: by type (security events), by user, by IP, each within a time range.
CREATE INDEX audit_events_type_ts ON audit_events (event_type, ts);
CREATE INDEX audit_events_user_ts ON audit_events (user_id, ts);
CREATE INDEX audit_events_ip_ts ON audit_events (ip_address, ts);
