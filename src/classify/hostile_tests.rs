//! Text no letter writer would produce, as OCR can: accents where a month's
//! first letter was, ligatures and letters whose case changes their length,
//! digits from other scripts, control and direction marks. Every reading of
//! it must give an answer, never a panic: in the daemon a panic in the stamp
//! reading costs the page its text (CI once met "éN" where a month was).

use super::*;

/// Stamp and letter vocabulary beside characters whose byte length or case
/// surprises code that slices by bytes.
const PIECES: &[&str] = &[
    "MOTTATT",
    "Mottatt",
    "RANA KOMMUNE",
    "Helse og omsorg",
    "Rus og psykisk helse",
    "NOV",
    "nov.",
    "MOV",
    "N0V",
    "DES",
    "mai",
    "15",
    "2026",
    "26",
    "G6",
    "O1",
    "3l",
    ".",
    "/",
    "-",
    ":",
    " ",
    "  ",
    "\n",
    "\t",
    "Att.:",
    "fødselsnummer",
    "150679 40013",
    "Mo, 26. oktober 2026",
    "Klage på vedtak",
    "Emne:",
    "Fra:",
    "kl. 19.42",
    "é",
    "É",
    "éN",
    "Né",
    "Mé",
    "ø",
    "Å",
    "ß",
    "ﬁ",
    "İ",
    "ǅ",
    "e\u{301}",
    "\u{202e}",
    "\u{feff}",
    "\u{200b}",
    "\0",
    "½",
    "²",
    "٣",
    "０",
    "１５",
    "💩",
    "𝟏𝟓",
    "Ⅻ",
    "\u{2028}",
    "\r",
    "ſ",
];

fn hostile_text(rng: &mut fastrand::Rng) -> String {
    let n = rng.usize(1..=24);
    (0..n).map(|_| PIECES[rng.usize(..PIECES.len())]).collect()
}

#[test]
fn hostile_text_is_read_without_a_panic() {
    let classifier = Classifier::new(&ClassifyConfig::default()).unwrap();
    let folder = UnitId::new("mta").unwrap();
    // Seeded, so a failure replays.
    let mut rng = fastrand::Rng::with_seed(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let text = hostile_text(&mut rng);
        let stamp = hostile_text(&mut rng);
        // The extractor's stamp search reads candidate regions with these.
        let _ = parse_stamp_date(&stamp);
        let _ = has_clean_keyed_date(&stamp);
        let _ = has_stamp_word(&stamp);
        let _ = office_stamp_dates(&stamp);
        let _ = receiver_stamp_dates(&stamp);
        let _ = stamp_word_dated(&text, &stamp);
        let mut page = crate::extract::Page::text_layer(1, text.clone());
        page.stamp = Some(stamp);
        let mut scan = Extraction::text_layer_pdf([text.clone()]);
        scan.pages = vec![page];
        for (source, folder_unit) in [(Source::Scan, Some(&folder)), (Source::Digital, None)] {
            let c = classifier.classify(&ClassifyInput {
                extraction: &scan,
                source,
                folder_unit,
                received_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 3),
            });
            // Whatever it read, a stamp date is never after the arrival.
            assert!(
                c.stamped_date
                    .is_none_or(|d| d <= chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
                "{text:?} / {:?}",
                c.stamped_date
            );
        }
    }
}
