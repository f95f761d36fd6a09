-- Core schema: items through their lifecycle, their pages and classification,
-- users, and the event log that is both history and audit trail.
-- Times are RFC 3339 UTC text; dates are YYYY-MM-DD.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    email           TEXT,
    role            TEXT NOT NULL CHECK (role IN ('clerk','caseworker','leader','records_officer','admin')),
    password_hash   TEXT,            -- argon2id PHC string
    totp_secret     TEXT,            -- base32; NULL until enrolled
    disabled        INTEGER NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL
);

-- Units a user works in (need-to-know). Leaders, clerks and caseworkers see
-- the queue of these units only.
CREATE TABLE user_units (
    user_id INTEGER NOT NULL REFERENCES users(id),
    unit    TEXT NOT NULL,
    PRIMARY KEY (user_id, unit)
);

CREATE TABLE items (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT NOT NULL,
    -- The folder the file arrived in and its path there. (source_path, sha256)
    -- identifies one arrival: a rescan after a crash finds the same pair and
    -- admits nothing.
    source          TEXT NOT NULL CHECK (source IN ('scan','digital')),
    folder_unit     TEXT,            -- unit of the scan folder; NULL for digital
    source_path     TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    content_path    TEXT NOT NULL,   -- copy in the content store, relative to data_dir
    received_at     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('admitted','extracted','classified','queued','allocated','registered','rejected','duplicate')),
    duplicate_of    INTEGER REFERENCES items(id),
    reject_code     TEXT,
    reject_message  TEXT,
    -- extraction summary
    media_type      TEXT,
    page_count      INTEGER,
    text_source     TEXT,
    ocr_confidence  REAL,
    -- classification (the full decision with reasons is in classification_json)
    unit            TEXT,            -- folder_unit for scans, classified for digital
    document_type   TEXT,
    title           TEXT,
    urgent          INTEGER,
    leader_review   INTEGER,
    leader_review_done_at TEXT,
    document_date   TEXT,
    stamped_date    TEXT,
    sender          TEXT,
    quality_flags   TEXT NOT NULL DEFAULT '[]',   -- JSON array of QualityFlag names
    quality_cleared_at TEXT,                      -- a person has looked at the flags
    classification_json TEXT,
    -- allocation and the case system
    allocated_to    INTEGER REFERENCES users(id),
    allocated_at    TEXT,
    registered_at   TEXT,
    updated_at      TEXT NOT NULL
);

CREATE UNIQUE INDEX items_arrival ON items(source_path, sha256) WHERE registered_at IS NULL;
CREATE INDEX items_sha256 ON items(sha256);
CREATE INDEX items_state ON items(state, unit, urgent, received_at);
CREATE INDEX items_allocated_to ON items(allocated_to, state);

-- Text per page. Health information: read only through need-to-know paths,
-- and every read of content is an audit event.
CREATE TABLE pages (
    item_id         INTEGER NOT NULL REFERENCES items(id),
    number          INTEGER NOT NULL,
    text            TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('text_layer','ocr','none')),
    ocr_confidence  REAL,
    blank           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, number)
);

-- Person IDs found in an item: never the number itself, only a keyed hash (for
-- linking letters about the same person) and the masked form (DDMMYY*****).
CREATE TABLE item_person_ids (
    item_id     INTEGER NOT NULL REFERENCES items(id),
    kind        TEXT NOT NULL,
    keyed_hash  TEXT NOT NULL,
    masked      TEXT NOT NULL,
    synthetic   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, keyed_hash)
);
CREATE INDEX item_person_ids_hash ON item_person_ids(keyed_hash);

-- Every state transition and every action or view by a person. `actor` is a
-- user id, or NULL for the service itself. `detail` is JSON and never holds
-- person IDs or letter text.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER REFERENCES items(id),
    at          TEXT NOT NULL,
    actor       INTEGER REFERENCES users(id),
    kind        TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_item ON events(item_id, at);
CREATE INDEX events_actor ON events(actor, at);

-- Daemon additions (additive): the file's modification time when admitted,
-- so a rescan recognises an already-admitted file by (path, size, mtime)
-- without hashing it again.
ALTER TABLE items ADD COLUMN source_mtime_ns INTEGER;
CREATE INDEX items_source_path ON items(source_path) WHERE registered_at IS NULL;
