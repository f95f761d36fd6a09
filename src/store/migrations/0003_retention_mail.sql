-- Shred confirmations (kept forever) and the durable e-mail outbox.
-- Times are RFC 3339 UTC text; dates are YYYY-MM-DD.

-- A shred shelf confirmed shredded: who, when, and exactly which items, like
-- Noark 5 kassertAv / kassertDato. Rows are never updated or deleted.
CREATE TABLE shred_confirmations (
    id              INTEGER PRIMARY KEY,
    shelf           TEXT NOT NULL UNIQUE,     -- YYYY-MM, the scan month
    shredded_on     TEXT NOT NULL,            -- kassertDato (YYYY-MM-DD, Oslo)
    confirmed_by    INTEGER NOT NULL REFERENCES users(id),   -- kassertAv
    confirmed_by_name TEXT NOT NULL,          -- display name at the time
    recorded_at     TEXT NOT NULL,
    item_count      INTEGER NOT NULL
);

CREATE TABLE shred_confirmation_items (
    confirmation_id INTEGER NOT NULL REFERENCES shred_confirmations(id),
    item_id         INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (confirmation_id, item_id)
);

CREATE TRIGGER shred_confirmations_no_update BEFORE UPDATE ON shred_confirmations
BEGIN SELECT RAISE(ABORT, 'makuleringsbekreftelser kan ikke endres'); END;
CREATE TRIGGER shred_confirmations_no_delete BEFORE DELETE ON shred_confirmations
BEGIN SELECT RAISE(ABORT, 'makuleringsbekreftelser kan ikke slettes'); END;
CREATE TRIGGER shred_confirmation_items_no_update BEFORE UPDATE ON shred_confirmation_items
BEGIN SELECT RAISE(ABORT, 'makuleringsbekreftelser kan ikke endres'); END;
CREATE TRIGGER shred_confirmation_items_no_delete BEFORE DELETE ON shred_confirmation_items
BEGIN SELECT RAISE(ABORT, 'makuleringsbekreftelser kan ikke slettes'); END;

-- The outbox: every e-mail is a row before any attempt to send it. The
-- message is stored fully formatted (headers, Message-ID, Date, attachments)
-- so a resend after a crash is byte-identical and receivers can drop it.
-- `notice_key` makes enqueueing idempotent: a notice is queued once, ever.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    notice_key      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,            -- shelf_ready, shelf_blocked, report_backlog, …
    message_id      TEXT NOT NULL UNIQUE,
    envelope_from   TEXT NOT NULL,
    recipients      TEXT NOT NULL,            -- JSON array of addresses
    subject         TEXT NOT NULL,
    raw             BLOB NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent','failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,                     -- a sender is working on it until then
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

CREATE TRIGGER outbox_keep_unsent BEFORE DELETE ON outbox WHEN OLD.state <> 'sent'
BEGIN SELECT RAISE(ABORT, 'usendt e-post kan ikke slettes'); END;
