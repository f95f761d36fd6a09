-- Board: server-side sessions, TOTP replay protection, and indexes for the
-- queue, the suggestion queries and the audit lists.

-- A signed-in browser. The cookie carries a random token; only its SHA-256 is
-- stored, so a copy of the database cannot be used to take over a session.
CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    csrf_token      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- The last accepted TOTP time step: a code is accepted once only.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- "Most frequent caseworker for this unit and type over recent allocations".
-- Covering (allocated_to included): item rows are wide, and the query reads
-- thousands of them with 100 000 items in the store.
CREATE INDEX items_allocation_history ON items(unit, document_type, allocated_at, allocated_to)
    WHERE allocated_to IS NOT NULL;
-- The queue: waiting items of one unit, urgent first, then oldest.
CREATE INDEX items_queue ON items(unit, state, urgent DESC, received_at);
