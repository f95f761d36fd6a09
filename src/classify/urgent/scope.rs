//! How far a phrase reaches in a letter: its sentence (up to a stop or a
//! blank line, so a heading is its own), or the few words beside it. A
//! later phrase puts off every cue in its sentence; a case phrase only the
//! cue beside it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::super::normalize::word_ranges;

/// The sentence (between '.', '!', '?' or a blank line) around `at`. A
/// heading ends at its blank line without a stop: "BEGJÆRING OM INNSYN -
/// HASTER" is not in the sentence of the body's "kopi av" below it.
pub(super) fn sentence_around(text: &str, at: usize) -> (usize, usize) {
    let ends = |c: char| matches!(c, '.' | '!' | '?');
    let (head, tail) = text.split_at(at);
    let stop_before = head.rfind(ends).map(|i| i + 1);
    let blank_before = blank_lines(head).last().map(|(_, end)| end);
    let start = stop_before.max(blank_before).unwrap_or(0);
    let stop_after = tail.find(ends);
    let blank_after = blank_lines(tail).next().map(|(start, _)| start);
    let end = match (stop_after, blank_after) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(tail.len()),
    };
    (start, at + end)
}

/// How many words on either side of a case phrase its pace reaches. The
/// case phrase stands beside the cue it paces ("ber om svar snarest",
/// "Takk for raskt svar"); a whole sentence reached a request for a visit
/// now that closes with an answer ("… straks kontrollerer korleis det står
/// til, og gjev oss tilbakemelding"). Session 35: round CV urgent 1023 →
/// 1024/1043, false alarms the same (226; 4 words read the same).
pub(super) const CASE_PHRASE_REACH: usize = 6;

/// `found` widened by up to `reach` words on either side, within its
/// sentence.
pub(super) fn words_around(text: &str, found: Range<usize>, reach: usize) -> (usize, usize) {
    let (start, end) = sentence_around(text, found.start);
    let words: Vec<Range<usize>> = word_ranges(&text[start..end])
        .map(|w| start + w.start..start + w.end)
        .collect();
    let before = words.iter().rev().filter(|w| w.end <= found.start);
    let after = words.iter().filter(|w| w.start >= found.end);
    let from = before.take(reach).last().map_or(found.start, |w| w.start);
    let to = after.take(reach).last().map_or(found.end, |w| w.end);
    (from, to)
}

/// Blank lines (nothing but spaces between two line breaks), as byte
/// ranges.
pub(super) fn blank_lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    BLANK_LINE.find_iter(text).map(|m| (m.start(), m.end()))
}

static BLANK_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n[ \t]*\n").expect("static regex"));
