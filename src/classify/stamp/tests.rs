//! The stamp parser's unit tests, apart from the parser so its files read
//! as code. The cases are stamp readings as OCR gives them; those that must
//! give no date guard the invariant that a date is never invented.

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn every_stamp_format_and_its_ocr_confusions() {
    let cases = [
        ("RANA KOMMUNE\nMOTTATT\n15 NOV 2026", "2026-11-15"),
        (
            "Rana kommune Helse og omsorg MOTTATT 21 NOV 2026",
            "2026-11-21",
        ),
        ("MOTTATT 15. nov. 2026", "2026-11-15"),
        ("Mottatt 15.11.2026", "2026-11-15"),
        ("MOTTATT 15.11.26", "2026-11-15"),
        ("M0TTATT 1S N0V 2O26", "2026-11-15"),
        ("MOTTATT l5 0KT 2026", "2026-10-15"),
        ("MOTTATT 03 DE5 2026", "2026-12-03"),
        ("MOTTATT 07 MA1 2026", "2026-05-07"),
        ("MOTTATT\n15NOV2026", "2026-11-15"),
        ("MOTTEKE 5. DES 2026", "2026-12-05"),
        ("Mottatt: 04.11.2026", "2026-11-04"),
        ("RECEIVED 04 OCT 2026", "2026-10-04"),
        ("MOTTATT I5 SEP 2026", "2026-09-15"),
        ("INNKOMMET 30 JUN 2026", "2026-06-30"),
        ("Mottatt 13.1126", "2026-11-13"),
        ("Mottatt 1311.26", "2026-11-13"),
        ("MOTTATT\nC4 MOV 2026", "2026-11-04"),
        ("MOTTATT U2 DES 2026", "2026-12-02"),
        ("MOTTATT\nU5.10.2026", "2026-10-05"),
        ("MOTTATT 07 NAI 2026", "2026-05-07"),
        ("Motteke 3.11.26", "2026-11-03"),
        ("MOTTATT\nHelse og omsorg\n15. nov. 2026", "2026-11-15"),
        ("RANA KOMMUNE\nMOTTATT 15.11.26\nSaksbeh. KH", "2026-11-15"),
        ("Mottatt: 15 NOV. 2026", "2026-11-15"),
        ("— Meat®@att 03.11.2026", "2026-11-03"),
    ];
    for (text, want) in cases {
        assert_eq!(parse_stamp_date(text), Some(d(want)), "{text:?}");
    }
}

#[test]
fn the_stamps_date_beats_other_dates_in_the_crop() {
    let text = "Mo, 26. oktober 2026\nRANA KOMMUNE\nMOTTATT\n02 NOV 2026";
    assert_eq!(parse_stamp_date(text), Some(d("2026-11-02")));
}

#[test]
fn no_date_is_invented() {
    for text in [
        "MOTTATT",
        "RANA KOMMUNE MOTTATT 15 NOV",
        "Stenneset 45 T 15 NOV 2",
        "8610 Mo i Rana",
        "Telefon 75 14 50 00",
        "MOTTATT 31 NOV 2026",
        // One slip from both JUN and JUL: no month.
        "MOTTATT 15 JUX 2026",
        "MOTTATT 15 XYZ 2026",
    ] {
        assert_eq!(parse_stamp_date(text), None, "{text:?}");
    }
}

#[test]
fn a_year_with_a_digit_too_many_is_chosen_by_plausibility() {
    let arrived = Some(d("2026-11-10"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 03. nov. 20236", ok),
        Some(d("2026-11-03"))
    );
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 03 NOV 20219", ok),
        None
    );
}

#[test]
fn a_confused_last_digit_of_the_year_is_chosen_by_plausibility() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    // A bold 6 read as 5: the year as read is too old, 26 fits.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT\n20.11.25", ok),
        Some(d("2026-11-20"))
    );
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 20 NOV 2025", ok),
        Some(d("2026-11-20"))
    );
    // The year as read wins when it fits.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 20 NOV 2026", ok),
        Some(d("2026-11-20"))
    );
    // A year two digits away from any that fits: nothing.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 20 NOV 2012", ok),
        None
    );
}

#[test]
fn a_days_first_digit_lost_at_the_head_of_its_line_is_put_back_by_the_letters_date() {
    let arrived = Some(d("2026-12-01"));
    let after = |letter: &'static str| move |x: NaiveDate| plausible(x, arrived, Some(d(letter)));
    for (text, letter, want) in [
        // Print crossed the "2" of 26.11.
        (
            "Rus og psykisk helse\nMOTTATT\n6.11 2026",
            "2026-11-25",
            "2026-11-26",
        ),
        // Both 12.10 and 22.10 follow the letter: the nearest.
        (
            "Motteke\n2.10.2026\nTenestekontoret",
            "2026-10-08",
            "2026-10-12",
        ),
        ("MOTTATT 7 NOV 2026", "2026-11-26", "2026-11-27"),
    ] {
        assert_eq!(
            parse_keyed_stamp_date_where(text, after(letter)),
            Some(d(want)),
            "{text:?}"
        );
    }
    // The day as read when it fits: nothing put back.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 6 NOV 2026", after("2026-11-04")),
        Some(d("2026-11-06"))
    );
    // Not a digit misread ("1%" for 17), inside a line, nor without a
    // stamp word.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT\n1%, nov. 2026", after("2026-11-16")),
        None
    );
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT\nkl. 6.11 2026", after("2026-11-25")),
        None
    );
    assert_eq!(
        parse_keyed_stamp_date_where("Helse\n6.11.2026", after("2026-11-25")),
        None
    );
}

#[test]
fn a_keyed_dates_year_is_read_by_its_day_and_month() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    for (text, want) in [
        ("MOTTEKE\n18-11-2029", "2026-11-18"),
        ("Mottatt 18.11.2020 Sign.: LV", "2026-11-18"),
        ("MOTTATT\n13.10.20\nSaksnr.: 26/2284", "2026-10-13"),
        ("MOTTATT 20 MOV 7026", "2026-11-20"),
    ] {
        assert_eq!(
            parse_keyed_stamp_date_where(text, ok),
            Some(d(want)),
            "{text:?}"
        );
    }
    // A year cut short at the stamp's edge.
    assert_eq!(
        parse_keyed_stamp_date_where("Reg. G\n20.11.2\nK)", ok),
        Some(d("2026-11-20"))
    );
    // The letter's address between the stamp's word and its date.
    assert_eq!(
        parse_keyed_stamp_date_where("Ida Nowak innkom\n\nKaivegen 9, leil. 4 09 NOV 2026", ok),
        Some(d("2026-11-09"))
    );
    // Not without a stamp word: a date in the letter keeps its year.
    assert_eq!(parse_keyed_stamp_date_where("Oslo, 18.11.2020", ok), None);
}

#[test]
fn a_keyed_months_lost_digit_is_put_back_by_the_letters_date() {
    let arrived = Some(d("2026-12-01"));
    let after = |letter: &'static str| move |x: NaiveDate| plausible(x, arrived, Some(d(letter)));
    // 23.11 read with one 1 of the month lost: 23.01 is long before the
    // arrival, 23.10 before the letter, 23.12 after the arrival.
    assert_eq!(
        parse_keyed_stamp_date_where("AURVIK KOMMUNE\nmottatt\n23 1.2026", after("2026-11-20")),
        Some(d("2026-11-23"))
    );
    // Both 23.10 and 23.11 follow a letter of 19.10: the nearest.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 23 1.2026", after("2026-10-19")),
        Some(d("2026-10-23"))
    );
    // The month as read when it fits, and nothing without a stamp word.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 23.9.2026", after("2026-09-20")),
        Some(d("2026-09-23"))
    );
    assert_eq!(
        parse_keyed_stamp_date_where("Mo i Rana\n23 1.2026", after("2026-11-20")),
        None
    );
}

#[test]
fn a_digit_misread_into_no_date_is_put_back_when_two_readings_agree() {
    let arrived = Some(d("2026-12-03"));
    let after = |letter: &'static str| move |x: NaiveDate| plausible(x, arrived, Some(d(letter)));
    // Month 11 read as 21 and as 41: of the months one digit away, only
    // November fits the arrival (January is months before it).
    assert_eq!(
        parse_keyed_stamp_date_where(
            "Sunnfjord kommune\nMOTTATT 26.21.26\n\nSunnfjord kommune\nNOTTATT 26.41.26",
            after("2026-11-24"),
        ),
        Some(d("2026-11-26"))
    );
    // One reading is not enough.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 26.21.26", after("2026-11-24")),
        None
    );
    // Day 39: in a letter of 30 November only the 30th fits ...
    let day_39 = "MOTTEKE 39 NOV 2026\n\nMOTTEKE 39 NOV 2026";
    assert_eq!(
        parse_keyed_stamp_date_where(day_39, after("2026-11-30")),
        Some(d("2026-11-30"))
    );
    // ... in a letter of 26 November the 29th fits as well: no date.
    assert_eq!(
        parse_keyed_stamp_date_where(day_39, after("2026-11-26")),
        None
    );
    // A reading that is a date is never second-guessed, and a date
    // without a stamp word is never read at all.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 26.11.26\n\nMOTTATT 26.11.26", after("2026-11-27")),
        None
    );
    assert_eq!(
        parse_keyed_stamp_date_where(
            "Mo i Rana 26.21.26\n\nMo i Rana 26.41.26",
            after("2026-11-24")
        ),
        None
    );
}

#[test]
fn two_readings_agreeing_after_a_garbled_stamp_word_are_evidence_of_a_stamp() {
    let first = "Sundvik kommune\neles OG Cire Co -\nkeane tte 23 NOV 2026\nArkivkode: G10";
    let second = "Sundvik kommune\nelse 60 VEESO TE -\nfayele itriae 23 NOV 2026";
    assert!(garbled_word_stamp_date(&format!("{first}\n\n{second}")));
    // One reading alone is a letterhead's place line as well.
    assert!(!garbled_word_stamp_date(first));
    assert!(!garbled_word_stamp_date(
        "SUNDVIK KOMMUNE\nSundvik 04.11.2026\n\nSUNDVIK KOMMUNE\nSundvik 05.11.2026"
    ));
}

#[test]
fn a_keyed_day_and_month_whose_year_was_lost_take_the_arrivals() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    for (text, want) in [
        (
            "Tildelingskontoret\nMotteke 06.11 ,\nJnr 26/4829",
            "2026-11-06",
        ),
        ("MOTTATT 6\n17. nov: 207", "2026-11-17"),
        ("MOTTEKE\n25.09.2136 l\nJnr 26/1544", "2026-09-25"),
        ("REG 24.11:207", "2026-11-24"),
    ] {
        assert_eq!(
            parse_keyed_stamp_date_where(text, ok),
            Some(d(want)),
            "{text:?}"
        );
    }
    // A year read clearly is kept: an old stamp on a copy is no
    // stamp of this arrival.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT 20 NOV 2012", ok),
        None
    );
    // Without a stamp word a day and a month are no stamp.
    assert_eq!(parse_keyed_stamp_date_where("Møte 06.11 kl 10", ok), None);
    // A day and a month outside the stamp's window: nothing.
    assert_eq!(parse_keyed_stamp_date_where("MOTTATT 06.05", ok), None);
}

#[test]
fn the_readings_of_a_stamp_vote_on_its_date() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    // The date most readings give, wherever it stands in them.
    assert_eq!(
        parse_keyed_stamp_date_where(
            "Mottatt 22.11.2026\n\nMottatt 12.11.2026\n\nMottatt 12.11.2026",
            ok
        ),
        Some(d("2026-11-12"))
    );
    // As many for each: the earlier, nearer the letter it follows.
    assert_eq!(
        parse_keyed_stamp_date_where("Mottatt 22.11.2026\n\nMottatt 12.11.2026", ok),
        Some(d("2026-11-12"))
    );
    // A stamp without a stamp word is voted on the same way.
    let receiver = "VOSS HERAD\n23.11.2026\n\nVOSS HERAD\n13.11.2026";
    assert_eq!(
        parse_keyed_stamp_date_where(receiver, ok),
        Some(d("2026-11-13"))
    );
    let twice = format!("{receiver}\n\nVOSS HERAD\n23.11.2026");
    assert_eq!(
        parse_keyed_stamp_date_where(&twice, ok),
        Some(d("2026-11-23"))
    );
}

#[test]
fn a_year_the_readings_disagree_on_is_ocrs_and_one_they_agree_on_the_stamps() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    // Three readings of one stamp: the day and month agree (a bold zero
    // read as G), the years do not.
    let readings = "T MOTTATT: noun\n06. nov. 2019 |\nHeise og omsorg\n\n\
                    MOVTATT\nG6. nov. 2625\nHeise oy omsorg\n\n\
                    MOw TAPS\nG6. nov. 2622";
    assert_eq!(
        parse_keyed_stamp_date_where(readings, ok),
        Some(d("2026-11-06"))
    );
    // A bold zero read as a nine twice and as an S once: the nine makes no
    // day, so it is the zero, and its two readings outvote the five.
    let nines = "MOTTEKE\nOS NOV 2026\n\nMOTTEKE\n99 NOV 2026\n\nMOTTEKE\n99 NOV 2026";
    assert_eq!(
        parse_keyed_stamp_date_where(nines, ok),
        Some(d("2026-11-09"))
    );
    // A day's first digit that is no zero's look-alike stays unread.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT\n49 NOV 2026", ok),
        None
    );
    // An old stamp read the same every time keeps its year: no date.
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTATT\n06. nov. 2019\n\nMOTTATT\n06. nov. 2019", ok),
        None
    );
    // Another year beside a date no stamp word keys is no stamp's.
    assert_eq!(
        parse_keyed_stamp_date_where("Brev 06. nov. 2019\n\nBrev 06. nov. 2045", ok),
        None
    );
}

#[test]
fn a_date_beside_the_receiving_body_whose_year_was_lost_takes_the_arrivals() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    assert_eq!(
        parse_keyed_stamp_date_where("VEren KOPMIMUNE\nRus 99 psykisk heise\n30.11 2276 |", ok),
        Some(d("2026-11-30"))
    );
    // A year read clearly is kept, and a date with no receiver beside it
    // is no stamp's.
    assert_eq!(
        parse_keyed_stamp_date_where("Rus og psykisk helse\n30.11.2019", ok),
        None
    );
    assert_eq!(parse_keyed_stamp_date_where("Side 2\n30.11 2276", ok), None);
}

#[test]
fn a_stamp_word_under_its_date_keys_it_unless_a_date_follows_one() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    assert_eq!(
        parse_keyed_stamp_date_where(
            "HAMNVIK KOMMUNE\nHelse og omsorg\na 23.11.2026\nMOTTATT",
            ok
        ),
        Some(d("2026-11-23"))
    );
    assert_eq!(
        parse_keyed_stamp_date_where("Mo, 26. oktober 2026\nMOTTATT\n02 NOV 2026", ok),
        Some(d("2026-11-02"))
    );
}

#[test]
fn reg_is_a_stamp_word_and_a_gap_inside_a_number_is_closed() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    for (text, want) in [
        (
            "Reg. 22.09.26\nRus og psykisk helse\nJnr. 26/1874",
            "2026-09-22",
        ),
        ("Reg.: 09.11.2026 / JH", "2026-11-09"),
        ("Reg.\n20.11.26\nKJ", "2026-11-20"),
        ("Motteke 27.1 1.26\nHeimetenesta", "2026-11-27"),
        // A thin 1 read as a frame's edge.
        ("Stord kommune\n*MOTTEKE 25:1] 2026", "2026-11-25"),
        ("Stord kommune]\nMOTTEKE]\n2] NOV 2026", "2026-11-21"),
        ("Stord kommune]\nMOTTEKE 25.11.2026]", "2026-11-25"),
    ] {
        assert_eq!(
            parse_keyed_stamp_date_where(text, ok),
            Some(d(want)),
            "{text:?}"
        );
    }
    // A registration number is no stamp date.
    assert_eq!(parse_keyed_stamp_date_where("Reg.nr. 2026 11 4", ok), None);
}

#[test]
fn a_date_read_through_an_ocr_confusion_is_not_clean() {
    assert!(has_clean_keyed_date("RANA KOMMUNE\nMOTTATT\n19 NOV 2026"));
    assert!(has_clean_keyed_date("Mottatt 16.11.2026"));
    assert!(has_clean_keyed_date("MOTTATT 15. nov. 2026"));
    assert!(!has_clean_keyed_date("MOTTATT\nos NOV 2026"));
    assert!(!has_clean_keyed_date("MOTTATT 1S N0V 2O26"));
    assert!(!has_clean_keyed_date("Mottatt 13.1126"));
    assert!(!has_clean_keyed_date("19 NOV 2026"));
}

#[test]
fn plausibility_against_arrival_and_letter_date() {
    let arrived = Some(d("2026-11-17"));
    let letter = Some(d("2026-11-10"));
    assert!(plausible(d("2026-11-15"), arrived, letter));
    assert!(plausible(d("2026-11-17"), arrived, None));
    // After the file arrived, long before it, before the letter was written.
    assert!(!plausible(d("2026-11-19"), arrived, letter));
    assert!(!plausible(d("2025-11-15"), arrived, None));
    assert!(!plausible(d("2026-11-01"), arrived, letter));
    // Stamped on the day the letter was written, and a day before it: a
    // day misread (a received stamp never comes before its letter).
    assert!(plausible(d("2026-11-10"), arrived, letter));
    assert!(!plausible(d("2026-11-09"), arrived, letter));
    assert!(!plausible(d("2196-11-15"), None, None));
    assert!(plausible(d("2026-11-15"), None, None));
}

#[test]
fn running_text_only_gives_a_stamp_after_a_stamp_word() {
    let got = |t: &str| stamp_dates_in_text(t);
    assert_eq!(
        got("RANA KOMMUNE\nMOTTATT\n15 NOV 2026\nOla"),
        vec![d("2026-11-15")]
    );
    assert_eq!(got("Mottatt: 04.11.2026"), vec![d("2026-11-04")]);
    assert_eq!(
        got("Rana kommune Helse og omsorg MOTTATT 21 NOV 2026"),
        vec![d("2026-11-21")]
    );
    assert!(got("Vi har mottatt brevet ditt datert 03.11.2026.").is_empty());
    assert!(got("Eg har mottatt 03.11.2026 eit vedtak").is_empty());
    assert!(got("Rana, 3. november 2026").is_empty());
}

#[test]
fn the_receiving_body_may_stand_between_the_stamp_word_and_its_date() {
    let got = |t: &str| stamp_dates_in_text(t);
    assert_eq!(
        got("MOTTATT\nRana kommune\n12.10.2026\nSØKNAD"),
        vec![d("2026-10-12")]
    );
    assert_eq!(
        got("MOTTEKE\nHeimetenesta\n3. nov. 2026"),
        vec![d("2026-11-03")]
    );
    // The municipality and its department on one line.
    assert_eq!(
        got("Innkomne\nFjordvik kommune, Helse og omsorg\n11/11/2026"),
        vec![d("2026-11-11")]
    );
    // Prose between them is no stamp's body.
    assert!(got("MOTTATT\nVi sender deg svar\n12.10.2026").is_empty());
}

#[test]
fn a_stamp_word_followed_by_a_whole_date_is_a_stamp_in_any_case() {
    let got = |t: &str| stamp_dates_in_text(t);
    assert_eq!(
        got("Til heimesjukepleia\nRana kommune - mottatt 30.10.2026 - Helse og omsorg"),
        vec![d("2026-10-30")]
    );
    assert!(got("Rana kommune - mottatt 30.10. - Helse og omsorg").is_empty());
    assert_eq!(
        got("Rana kommune Mottatt dato: 15.11.2026"),
        vec![d("2026-11-15")]
    );
    assert!(got("Vi har nå mottatt 02.11.2026 brevet").is_empty());
    assert!(got("Vedlegg: Brev frå Rossvoll, motteke 19.10.2026").is_empty());
    assert!(got("Brevet frå Rossvoll, motteke 19.10.2026, ligg ved").is_empty());
    // Prose quoting a received date after a comma.
    assert!(got("Viser til vedtak av 29.10.2026, mottatt 02.11.2026.").is_empty());
    assert_eq!(
        got("Vestvik kommune, Rus og psykisk helse, mottatt 16.11.2026\nRoy Pedersen"),
        vec![d("2026-11-16")]
    );
}

#[test]
fn a_date_stampers_line_is_a_stamp_without_its_word() {
    let got = |t: &str| stamp_dates_in_text(t);
    assert_eq!(
        got("RANA KOMMUNE\nHelse og omsorg\n23 OKT 2026\nJnr. 2026/14522\nKari"),
        vec![d("2026-10-23")]
    );
    assert_eq!(
        got("RANA KOMMUNE\n- 6. NOV. 2026\nHelse og omsorg"),
        vec![d("2026-11-06")]
    );
    // The stamp word under its date.
    assert_eq!(
        got("Rana kommune\nHelse og omsorg\n16. nov. 2026\nMOTTEKE"),
        vec![d("2026-11-16")]
    );
    // The date under the stamp word comes first: the line above may be
    // the letter's own date.
    assert_eq!(
        got("Mo i Rana, 3. november 2026\nMOTTATT\n05 NOV 2026"),
        vec![d("2026-11-05")]
    );
    // Over a journal number, in any writing.
    assert_eq!(
        got("NORDVIK KOMMUNE\nRus og psykisk helse\n19. nov. 2026\nJ.nr. 2026/5188"),
        vec![d("2026-11-19")]
    );
    assert!(got("Vår ref.: 2026/12\n19. nov. 2026\nSaksnr. 2026/5188").is_empty());
    assert!(got("Dato: 09.11.2026\nJournalnr.: 26/88140").is_empty());
    // Alone at the top, or over the unit's name.
    assert_eq!(
        got("05 NOV 2026\nNORDHEI KOMMUNE – Hjemmetjenesten"),
        vec![d("2026-11-05")]
    );
    assert_eq!(
        got("1 DES. 2026\n30.11.26\nTil hjemmesykepleien"),
        vec![d("2026-12-01")]
    );
    // A letter's own date line is no stamp: the month written out, or
    // a place before it.
    assert!(got("Rana kommune\nPostboks 173\n6. november 2026").is_empty());
    assert!(got("Rana kommune\nPostboks 173\n6. nov. 2026").is_empty());
    assert!(got("Rana kommune\n\nMo i Rana, 23 OKT 2026").is_empty());
}

#[test]
fn a_glued_date_is_tried_beside_an_implausible_token_date() {
    let arrived = Some(d("2026-11-05"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    assert_eq!(
        parse_keyed_stamp_date_where("MOTTEKE 3.1125.\n\nMOTTEKE 3.11.36", ok),
        Some(d("2026-11-03"))
    );
}

#[test]
fn keywords_are_ocr_tolerant_but_not_loose() {
    assert!(has_stamp_word("M0TTATT"));
    assert!(has_stamp_word("MOTIATT"));
    assert!(has_stamp_word("Mottatt:"));
    assert!(!has_stamp_word("Mottaker"));
    assert!(!has_stamp_word("mottar"));
    assert!(!has_stamp_word("Innlagt"));
}

#[test]
fn a_received_time_in_a_messages_header_is_no_stamp() {
    let transcript =
        "Avskrift av SMS til Servicetorget\nMottatt: 13.10.2026 kl. 19.42\nFra: 977 14 680\n\nHei.";
    assert_eq!(stamp_dates_in_text(transcript), vec![]);
    let mail = "Fra: Kari <kari@example.no>\nMottatt: 13.10.2026\nEmne: Hjelp";
    assert_eq!(stamp_dates_in_text(mail), vec![]);
    // A stamp's own lines stay a stamp, over a printed e-mail too.
    let stamped_mail = "MOTTATT 18.11.26\nFra: Ole <ole@example.no>\nTil: postmottak";
    assert_eq!(
        stamp_dates_in_text(stamped_mail),
        vec![NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()]
    );
    assert_eq!(
        message_header_dates(transcript),
        vec![NaiveDate::from_ymd_opt(2026, 10, 13).unwrap()]
    );
    assert_eq!(message_header_dates(stamped_mail), vec![]);
    let stamp = "RANA KOMMUNE\nMottatt: 13.10.2026\nJnr. 26/114";
    assert_eq!(
        stamp_dates_in_text(stamp),
        vec![NaiveDate::from_ymd_opt(2026, 10, 13).unwrap()]
    );
    // A forwarded message's receipt in running text has its moment; a
    // one-line stamp has a day only.
    let forwarded = "Klagen kom som e-post mottatt 09.11.2026 kl. 21.47 hos oss";
    assert_eq!(stamp_dates_in_text(forwarded), vec![]);
    assert_eq!(
        stamp_dates_in_text("Svar på e-post mottatt 09.11.2026 21:47"),
        vec![]
    );
    assert_eq!(
        stamp_dates_in_text("Rana kommune - mottatt 30.10.2026 - Helse og omsorg"),
        vec![NaiveDate::from_ymd_opt(2026, 10, 30).unwrap()]
    );
}

#[test]
fn a_stamp_without_a_stamp_word_is_the_receivers_name_beside_a_date() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    for (reading, want) in [
        ("VOSS HERAD\n01.12.2026", "2026-12-01"),
        ("RANA KOMMUNE\nHelse og omsorg\n30.11.2026", "2026-11-30"),
        ("VOSS HERAD\nHELSE OG OMSORG\n02.12.26", "2026-12-02"),
        ("INNKOMNE\n30 NOV 2026\nVOSS HERAD", "2026-11-30"),
        // One OCR slip in the name.
        ("VOSS HERAO\n\n01.12.2026", "2026-12-01"),
        // The unit by its own word.
        ("Rus og psykisk helse\n12. nov. 2026", "2026-11-12"),
        ("RUS/PSYKISK HELSE\n30.11.2026", "2026-11-30"),
    ] {
        assert_eq!(receiver_stamp_dates(reading), vec![d(want)], "{reading:?}");
    }
    // A service by its definite name: only in the tolerant reading, which
    // makes a framed region a stamp when nothing there reads a stamp word.
    let vest = "HJEMMESYKEPLEIEN SONE VEST\n24.11.26";
    assert_eq!(receiver_stamp_dates(vest), vec![]);
    assert_eq!(office_stamp_dates(vest), vec![d("2026-11-24")]);
    assert_eq!(
        office_stamp_dates("20 OKT 2026\nHeimesjukepleia sone Aust"),
        vec![d("2026-10-20")]
    );
    assert_eq!(office_stamp_dates("Sjukepleie\n20.10.2026"), vec![]);
    // A letterhead's date two lines below the name, a date in a sentence,
    // and a long line naming the municipality are not a stamp's.
    for reading in [
        "Bodø kommune\nPostboks 5\n12.11.2026",
        "Rana kommune\nVi viser til brev av 12.11.2026",
        "Til Rana kommune ved helse og omsorg avdelingen\n12.11.2026",
    ] {
        assert_eq!(receiver_stamp_dates(reading), vec![], "{reading:?}");
    }
}

#[test]
fn a_stamp_reading_with_a_lost_digit_bars_and_several_readings() {
    let autumn = |day: NaiveDate| (d("2026-10-01")..=d("2026-12-03")).contains(&day);
    // A year that lost a digit where print crossed it, a month one slip off.
    assert_eq!(
        parse_keyed_stamp_date_where("mmune,\nMOTTATT 27 NOT 226", autumn),
        Some(d("2026-11-27"))
    );
    // The frame's edges read as bars beside a stamp without a stamp word.
    assert_eq!(
        parse_keyed_stamp_date_where("RANA KOMMUNE\nHELSE OG OMSORG\n30. nov. 2026 |", autumn),
        Some(d("2026-11-30"))
    );
    // Three readings of one stamp: the date most of them read wins over a
    // digit confused in the first.
    let readings = "RANA KOMMUNE\nHELSE OG OMSORG\n| 20. nov. 2026 |\n\n\
        RANA KOMMUNE\nHELSE OG OMSORG\n30. nov. 2026 |\n\n\
        HELSE OG OMSORG\n30. nov. 2026";
    assert_eq!(
        parse_keyed_stamp_date_where(readings, autumn),
        Some(d("2026-11-30"))
    );
    // An office or a service stamps by its own name.
    assert_eq!(
        parse_keyed_stamp_date_where("Tildelingskontoret\n13.10.2026", autumn),
        Some(d("2026-10-13"))
    );
    assert_eq!(
        parse_keyed_stamp_date_where("HEIMETENESTA\n| 02.11.26 |", autumn),
        Some(d("2026-11-02"))
    );
    // Nothing beside the receiving body, nothing read.
    assert_eq!(
        parse_keyed_stamp_date_where("| 30. nov. 2026 |\nMo i Rana", autumn),
        None
    );
}

#[test]
fn a_symbol_glued_to_a_digit_makes_a_reading_doubtful() {
    assert!(symbol_before_digit("Omsorg\nMottatt\n»7.11.2026"));
    assert!(symbol_before_digit("MOTTATT ‘27 NOV 2026"));
    assert!(!symbol_before_digit("MOTTATT\n27.11.2026"));
    assert!(!symbol_before_digit("Mottatt: 27/11-26 (jnr. 2026/114)"));
    assert!(!has_clean_keyed_date("Omsorg\nMottatt\n»7.11.2026"));
    assert!(has_clean_keyed_date("Omsorg\nMottatt\n27.11.2026"));
}

#[test]
fn a_date_stampers_date_two_readings_agree_on_is_the_stamp_under_print() {
    let arrived = Some(d("2026-12-03"));
    let after = |letter: &'static str| move |x: NaiveDate| plausible(x, arrived, Some(d(letter)));
    // The stamp word and the receiving body lost in the letterhead's
    // print, the dater's line read alike by two readings.
    let under_print = "NYT SEN NY MINE. HELSE ov; OMSORG\nSE OE thet <= 26 NOV 2026\n\n\
                       KGL vern Fr MUNE 1 UE OG\nBØE. PE 3 T Ap igege 26 NOV 2026";
    assert_eq!(
        parse_keyed_stamp_date_where(under_print, after("2026-11-20")),
        Some(d("2026-11-26"))
    );
    // One reading alone may have made a day of the print.
    assert_eq!(
        parse_keyed_stamp_date_where(
            "NYT SEN NY MINE\nSE OE thet <= 26 NOV 2026",
            after("2026-11-20")
        ),
        None
    );
    // Two readings that disagree, and a letter's own date in words or
    // small letters, however often read: no stamp.
    for text in [
        "SE OE 26 NOV 2026\n\nPE 3 T 28 NOV 2026",
        "Bodø 26. november 2026\n\nBodø 26. november 2026",
        "datert 26 nov 2026\n\ndatert 26 nov 2026",
    ] {
        assert_eq!(
            parse_keyed_stamp_date_where(text, after("2026-11-20")),
            None,
            "{text:?}"
        );
    }
    // A date before the letter's own stays refused however often read.
    assert_eq!(
        parse_keyed_stamp_date_where("SE 26 NOV 2026\n\nPE 26 NOV 2026", after("2026-11-27")),
        None
    );
}

#[test]
fn a_stamp_word_ocr_split_at_its_wide_letters_still_keys_its_date() {
    let arrived = Some(d("2026-12-03"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    // One reading lost the day's first digit to the line above; the others
    // read the word split, "Mot att": the split word keys their date.
    let readings = "Rus og psykisk helse\nMet ati 2\n3.11.2026\n\n\
                    Rus og psykisk helse\nMot att 23.11.2026\n\n\
                    Rus og psykisk helse\nMot att 23.11.2026";
    assert_eq!(
        parse_keyed_stamp_date_where(readings, ok),
        Some(d("2026-11-23"))
    );
    assert!(has_stamp_word("Kvinnherad kommune\nM ctte ke"));
    // Words that join to no stamp word key nothing, and a stamp word's
    // parts must stand on one line.
    assert!(!has_stamp_word("Mot oss 23.11.2026"));
    assert!(!has_stamp_word("Mot\natt 23.11.2026"));
    assert_eq!(parse_keyed_stamp_date_where("Mot oss 23.11.2026", ok), None);
}

#[test]
fn a_month_that_lost_its_first_letter_is_the_one_month_it_can_be() {
    let arrived = Some(d("2026-12-03"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    // "NOV" read "OV" (and the year cut short): every reading agrees.
    let readings = "Motteke 12. ov, 2n\n\nMotteke L2. OV, 20\n\nMotteke 12. ov. 20";
    assert_eq!(
        parse_keyed_stamp_date_where(readings, ok),
        Some(d("2026-11-12"))
    );
    assert_eq!(
        parse_stamp_date("MOTTATT 30 ES 2025"),
        Some(d("2025-12-30"))
    );
    // Two letters that end no month are no month.
    assert_eq!(
        parse_keyed_stamp_date_where("Motteke 12. UV. 2026", ok),
        None
    );
}

#[test]
fn an_ampersand_glued_to_a_digit_is_an_eight() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, Some(d("2026-11-12")));
    assert_eq!(
        parse_keyed_stamp_date_where("Rus og psykisk helse\nMottatt 1&. nov. 2026", ok),
        Some(d("2026-11-18"))
    );
    // The body's "&" is no digit, and keeps the date beside it as read.
    assert_eq!(
        parse_keyed_stamp_date_where("Helse & omsorg\nMOTTATT 19 NOV 2026", ok),
        Some(d("2026-11-19"))
    );
}

#[test]
fn a_receivers_year_read_ahead_is_put_back_but_an_old_one_is_kept() {
    let arrived = Some(d("2026-12-03"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    assert_eq!(
        parse_keyed_stamp_date_where("02/12/2029\nLIDAL KOMMUNE\nArkivkode:", ok),
        Some(d("2026-12-02"))
    );
    assert_eq!(
        parse_keyed_stamp_date_where("RANA KOMMUNE\n29.11.29", ok),
        Some(d("2026-11-29"))
    );
    // An old stamp's year on a copy is not moved up to the arrival's.
    assert_eq!(
        parse_keyed_stamp_date_where("RANA KOMMUNE\n29.11.2025", ok),
        None
    );
}

#[test]
fn a_keyed_date_that_lost_a_digit_of_its_day_and_of_its_month_is_not_read() {
    let arrived = Some(d("2026-12-01"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    // 18.11 with the 8 and one 1 lost: 01.10, 01.11 and 01.12 would all
    // be guesses.
    assert_eq!(parse_keyed_stamp_date_where("MOTTATT 1 1 /2026", ok), None);
}

#[test]
fn a_date_two_readings_give_after_a_garbled_stamp_word_under_the_body_is_read() {
    let arrived = Some(d("2026-11-20"));
    let ok = |x: NaiveDate| plausible(x, arrived, None);
    // "Mottatt" OCR made "wttait", read alike in two of the region's
    // readings, two lines under the body's name.
    let twice = "JELLVIK KOMMUNE\nHelse og omsorg\nwttait 04.11.2026\n\
                 JELLVIK KOMMUNE\nwttait 04.11.2026";
    assert_eq!(
        parse_keyed_stamp_date_where(twice, ok),
        Some(d("2026-11-04"))
    );
    assert_eq!(
        parse_keyed_stamp_date_where(
            "RANA KOMMUNE\nJae Sag 16. nov, 2026\nRANA KOMMUNE\nJae Sag 16. nov. 2026",
            ok
        ),
        Some(d("2026-11-16"))
    );
    // One reading alone may be a letterhead's place line.
    assert_eq!(
        parse_keyed_stamp_date_where("SUNDVIK KOMMUNE\nSundvik 04.11.2026", ok),
        None
    );
    // Nor is a date under the body's name taken after a sentence.
    assert_eq!(
        parse_keyed_stamp_date_where(
            "RANA KOMMUNE\nvi viser til brev 04.11.2026\nRANA KOMMUNE\nvi viser til brev 04.11.2026",
            ok
        ),
        None
    );
}

#[test]
fn a_stamp_without_a_word_may_open_a_scans_text() {
    let got = |t: &str| stamp_dates_in_text(t);
    assert_eq!(
        got("Nesbygd kommune\nRus/psykisk helse\n13.11.2026\nTil Rus og psykisk helse\n\nHei."),
        vec![d("2026-11-13")]
    );
    assert_eq!(
        got("\nSølvberg kommune\nHelse og omsorg\n13.11.26\nPer Arne Dahl"),
        vec![d("2026-11-13")]
    );
    // The addressee over the letter's date, a date a blank line away, and
    // a letterhead under the letter's own first line are the letter's.
    assert!(got("Til helse og omsorg\n16.11.2026\n\nHei").is_empty());
    assert!(got("Sunnfjord kommune\n\n16.09.2026\n\nHei").is_empty());
    assert!(got("Søknad om hjelp\nSunnfjord kommune\nHelse og omsorg\n16.09.2026").is_empty());
}
