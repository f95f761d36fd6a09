-- Digital post (issue 12): e-mail and SvarInn deliveries. One delivery is one
-- item; its header facts, its documents (body and attachments with their
-- pages in the printout) and the printout handed to the case system.

CREATE TABLE item_deliveries (
    item_id         INTEGER PRIMARY KEY REFERENCES items(id),
    kind            TEXT NOT NULL CHECK (kind IN ('email','svarut')),
    from_name       TEXT,
    from_address    TEXT,
    to_json         TEXT NOT NULL DEFAULT '[]',
    cc_json         TEXT NOT NULL DEFAULT '[]',
    sent_at         TEXT,            -- the e-mail's Date: / SvarInn's document date
    subject         TEXT,
    message_id      TEXT,
    sender_reference TEXT,
    forsendelse_id  TEXT,
    body            TEXT NOT NULL DEFAULT '',
    notes_json      TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE item_documents (
    item_id     INTEGER NOT NULL REFERENCES items(id),
    position    INTEGER NOT NULL,
    role        TEXT NOT NULL,       -- body | attachment | email
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    depth       INTEGER NOT NULL,
    first_page  INTEGER NOT NULL,    -- in the printout; 0 when not printed
    page_count  INTEGER NOT NULL,
    flag        TEXT,                -- why it was not read (Norwegian)
    PRIMARY KEY (item_id, position)
);

-- The printout written for the case system. The row is written before the
-- file, with the size and mtime the file will have, so the intake recognises
-- its own output in a watched folder and never takes it in as an arrival.
CREATE TABLE printouts (
    item_id         INTEGER PRIMARY KEY REFERENCES items(id),
    path            TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    mtime_ns        INTEGER NOT NULL,
    planned_at      TEXT NOT NULL,
    handed_over_at  TEXT
);
CREATE INDEX printouts_path ON printouts(path);
