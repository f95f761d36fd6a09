-- Facts about running the installation, not about letters: e.g. the first
-- time the mail scheduler ran, so a scheduled report that fell due while the
-- daemon was stopped is sent once when it starts again, but a new
-- installation does not send last week's reports on its first day.
CREATE TABLE service_marks (
    name TEXT PRIMARY KEY,
    at   TEXT NOT NULL
);
