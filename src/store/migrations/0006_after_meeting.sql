-- After the meeting (issue 13): quality sign-off, replacement scans, the
-- caseworker's own scanner shelf, and the after-meeting mail.

-- A superseded item: its scan was replaced by a new one (`superseded_by`).
-- SQLite cannot alter a CHECK constraint; adding a value to the IN list only
-- loosens it (every stored row still satisfies it), which SQLite documents as
-- safe to do by editing the schema text (ALTER TABLE docs, "making other
-- kinds of table schema changes"). The CREATE/DROP below bumps the schema
-- cookie so other connections re-read the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, '''registered'',''rejected'',''duplicate'')',
                          '''registered'',''rejected'',''duplicate'',''superseded'')')
 WHERE type = 'table' AND name = 'items'
   AND sql NOT LIKE '%''superseded''%';
PRAGMA writable_schema = RESET;
CREATE TABLE _schema_bump (x INTEGER);
DROP TABLE _schema_bump;

-- Who confirmed the scan's quality ("alle sider er med"); the time is the
-- existing `quality_cleared_at`.
ALTER TABLE items ADD COLUMN quality_cleared_by INTEGER REFERENCES users(id);
-- The replacement scan of a superseded item.
ALTER TABLE items ADD COLUMN superseded_by INTEGER REFERENCES items(id);
-- The caseworker whose scanner shelf (a subfolder of the unit's scan folder)
-- the file arrived on; NULL for the unit's own folder.
ALTER TABLE items ADD COLUMN shelf_owner TEXT;

-- One row per (item, person, allocation) once the after-meeting mail that
-- tells the person about it is queued in the outbox: an allocation is
-- mailed once, ever, even across restarts.
CREATE TABLE allocation_mail (
    item_id      INTEGER NOT NULL REFERENCES items(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    allocated_at TEXT NOT NULL,
    outbox_key   TEXT NOT NULL,
    PRIMARY KEY (item_id, user_id, allocated_at)
);

-- Allocations made before this version are not news: they count as told.
INSERT OR IGNORE INTO allocation_mail (item_id, user_id, allocated_at, outbox_key)
SELECT id, allocated_to, allocated_at, 'before-0006' FROM items
 WHERE state = 'allocated' AND allocated_to IS NOT NULL AND allocated_at IS NOT NULL;
