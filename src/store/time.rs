//! The store's time text. Row types carry `DateTime<Utc>` and `NaiveDate`;
//! rusqlite's `chrono` feature converts them on read. The text already in
//! databases is what `to_rfc3339()` writes (`+00:00`, the fraction only as
//! long as it needs to be: none, 3, 6 or 9 digits) and days as `YYYY-MM-DD`,
//! so writing a value read back reproduces the stored text byte for byte.
//! The outbox keeps its own sortable millisecond form (`outbox::outbox_time`).

use chrono::{DateTime, Utc};
use serde::Serializer;

/// An instant as the store writes it.
pub fn instant_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339()
}

/// Serializes an instant as its stored text, so JSON output (`queue --json`)
/// shows the same string the database holds.
pub fn serialize_instant<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&instant_text(*at))
}

/// [`serialize_instant`] for an optional instant (`null` when absent).
pub fn serialize_opt_instant<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => s.serialize_str(&instant_text(*at)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{ItemId, UnitId};
    use crate::store::board::fixture::{self, FixtureItem};
    use crate::store::Store;
    use chrono::NaiveDate;

    /// Text as writers produced it over the years reads back and is written
    /// again unchanged: whole seconds, millis, micros, nanos.
    #[test]
    fn stored_instants_round_trip_byte_for_byte() {
        for text in [
            "2026-11-05T08:15:00+00:00",
            "2026-11-05T08:15:00.120+00:00",
            "2026-11-05T08:15:00.123456+00:00",
            "2026-11-05T08:15:00.123456789+00:00",
            "2026-11-05T08:15:00.100000001+00:00",
        ] {
            let conn = rusqlite::Connection::open_in_memory().unwrap();
            let at: DateTime<Utc> = conn.query_row("SELECT ?1", [text], |r| r.get(0)).unwrap();
            assert_eq!(instant_text(at), text);
            let json = serde_json::to_value(Wrap(at)).unwrap();
            assert_eq!(json, serde_json::json!(text));
        }
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let day: NaiveDate = conn
            .query_row("SELECT '2026-11-05'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(day.to_string(), "2026-11-05");
    }

    #[derive(serde::Serialize)]
    struct Wrap(#[serde(serialize_with = "serialize_instant")] DateTime<Utc>);

    /// An item written through the store keeps its received time as the
    /// writer's text, and the typed row reads the same instant back.
    #[test]
    fn a_written_item_reads_back_as_the_text_it_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        let at: DateTime<Utc> = "2026-11-05T08:15:00.123456789Z".parse().unwrap();
        let mut item = FixtureItem::queued(&UnitId::new("mta").unwrap(), "klage", "t", "x");
        item.received_at = at;
        let id: ItemId = fixture::insert(&store, &[item]).unwrap()[0];
        let stored: String = store
            .conn()
            .query_row("SELECT received_at FROM items WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(stored, "2026-11-05T08:15:00.123456789+00:00");
        let rows = crate::store::queue_list::queue_rows(&store, true).unwrap();
        let row = rows.iter().find(|r| r.id == id.0).unwrap();
        assert_eq!(row.received_at, at);
        let json = serde_json::to_value(row).unwrap();
        assert_eq!(json["received_at"], serde_json::json!(stored));
    }
}
