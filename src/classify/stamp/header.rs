//! A printed message's header block ("Fra:", "Sendt:", "Mottatt: 13.10.2026
//! kl. 19.42"): its "Mottatt" is when the message came in, not a received
//! stamp, though the extractor's stamp finder sees the same word and date.

use chrono::NaiveDate;

use super::{has_stamp_word, stamp_dates};

/// A field of a printed message's header block: the line a label and its
/// colon ("Mottatt: 13.10.2026 kl. 19.42"), a field beside it "Fra:",
/// "Til:", "Emne:", "Sendt:" or the like. That "Mottatt" is when the
/// message came in, not a received stamp. Case-blind, for folded text too.
pub fn in_message_header(lines: &[&str], i: usize) -> bool {
    const FIELDS: [&str; 11] = [
        "fra", "frå", "til", "emne", "sendt", "avsender", "avsendar", "mottaker", "mottakar",
        "kopi", "cc",
    ];
    let is_header_field =
        |line: &str| field_label(line).is_some_and(|l| FIELDS.contains(&l.to_lowercase().as_str()));
    field_label(lines.get(i).copied().unwrap_or_default()).is_some()
        && [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| lines.get(j))
            .any(|l| is_header_field(l))
}

/// "Mottatt" in "Mottatt: 13.10.2026": a line's leading word, when a colon
/// follows it.
fn field_label(line: &str) -> Option<&str> {
    let (label, _) = line.trim_start().split_once(':')?;
    let label = label.trim_end();
    (!label.is_empty() && label.chars().all(char::is_alphabetic)).then_some(label)
}

/// The dates on a printed message's "Mottatt:" header fields (see
/// `in_message_header`): the extractor's stamp finder sees only the word
/// and the date, so a region it read there is the header, not a stamp.
pub fn message_header_dates(text: &str) -> Vec<NaiveDate> {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .filter(|&i| has_stamp_word(lines[i]) && header_field(&lines, i))
        .flat_map(|i| stamp_dates(lines[i]))
        .filter(|s| s.clean)
        .map(|s| s.date)
        .collect()
}

/// Line `i` a message header's field as a header writes it (see
/// `in_message_header` and `written_as_header`).
pub(super) fn header_field(lines: &[&str], i: usize) -> bool {
    in_message_header(lines, i) && written_as_header(lines[i])
}

/// A message header's field as a header writes it, "Mottatt:", not in
/// the capitals of a stamp's "MOTTATT: 18.11.26" (which a printed e-mail's
/// "Fra:" under it does not make a header).
fn written_as_header(line: &str) -> bool {
    field_label(line).is_some_and(|l| l.chars().any(char::is_lowercase))
}
