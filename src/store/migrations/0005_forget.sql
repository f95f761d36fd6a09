-- Forgetting what the case system has taken (issue 16): postmottak's own
-- copies of a letter are deleted once the policy in [forget] says so.
-- Times are RFC 3339 UTC text.

-- When the item's content (content-store copy, page text, page images,
-- title, file name, sender, person-ID links) was deleted, and by which
-- policy ("registered", "refused", "duplicate"). NULL: content still held.
ALTER TABLE items ADD COLUMN content_forgotten_at TEXT;
ALTER TABLE items ADD COLUMN content_forget_policy TEXT;
-- 1 while the content-store file may still have to be removed (the row is
-- scrubbed first, the file after, so a crash in between is resumed from here).
ALTER TABLE items ADD COLUMN content_file_pending INTEGER NOT NULL DEFAULT 0;
-- When the item's remaining record (its events) was deleted after
-- `keep_records_years`. The row itself only stays when a shred confirmation
-- names it (those are kept forever by design).
ALTER TABLE items ADD COLUMN record_purged_at TEXT;

CREATE INDEX items_forget_pending ON items(content_path) WHERE content_file_pending = 1;
CREATE INDEX items_content_path ON items(content_path);
