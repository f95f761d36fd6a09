use super::*;

fn d(s: &str) -> Option<NaiveDate> {
    (s != "-").then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

/// (letter excerpt, expected document date or "-")
const DOCUMENT_DATES: &[(&str, &str)] = &[
    ("Mo i Rana, 3. november 2026\n\nSøknad om BPA", "2026-11-03"),
    // A registry stamp's date is not the letter's.
    (
        "Reg. 22.09.26\nRus og psykisk helse\nFULLMAKT\n\nSolvik 21.09.2026",
        "2026-09-21",
    ),
    ("Bodø 12. okt. 2026", "2026-10-12"),
    ("Oslo, den 1. desember 2026", "2026-12-01"),
    ("Dato: 03.11.2026", "2026-11-03"),
    ("Vår dato: 2026-11-03   Vår ref: 26/123", "2026-11-03"),
    ("Deres dato: 20.10.2026\nVår dato: 03.11.2026", "2026-11-03"),
    ("Dato/tid: 21.11.2026 kl. 22.15", "2026-11-21"),
    ("Dato og tid: 21.11.2026 22:15", "2026-11-21"),
    // A note's or a message's own date field.
    (
        "Konsultasjon: 16.10.2026    Dato for notat: 19.10.2026",
        "2026-10-19",
    ),
    (
        "Innlagt 07.11.2026\nDato sendt: 09.11.2026 kl. 16:03",
        "2026-11-09",
    ),
    // A place line's moment after its date, a fax's transmission line.
    (
        "Rana interkommunale legevakt, 30.11.2026 kl. 04.10\nPasienten kom inn",
        "2026-11-30",
    ),
    ("FAKS  27.11.2026 14:12   SYKEHUSET   S. 1/1", "2026-11-27"),
    // A fax's transmission line opening the page with its moment.
    (
        "20.10.2026 14:12    FAX 73 82 14 99    LEGESENTER\n\nTELEFAKS",
        "2026-10-20",
    ),
    // Mail programs: the sender's address and the moment it was sent,
    // an English locale's header, a tablet's signature.
    (
        "Hanne <hanne.s82@gmail.com>   6. oktober 2026 kl. 21:47\nTil: post@rana.kommune.no",
        "2026-10-06",
    ),
    (
        "From: Bente <b@icloud.com>\nSent: Monday, October 12, 2026 9:03 AM\nTo: helse",
        "2026-10-12",
    ),
    (
        "Hei\nKan de ringe meg?\nSendt frå iPad 14.11.2026",
        "2026-11-14",
    ),
    // A web form's receipt with its moment is no stamp.
    (
        "Søknad om helse- og omsorgstenester\nMotteke: 13.10.2026 08:47\nKvittering nr. 88120",
        "2026-10-13",
    ),
    // A record's approval line.
    (
        "Epikrise\nInnlagt: 28.09.2026    Utskrevet: 09.10.2026\n\nElektronisk godkjent 14.10.2026",
        "2026-10-14",
    ),
    ("Vedlegg: Samtykke til innhenting, signert 24.09.2026", "-"),
    ("Neste time 12.11.2026 kl. 10:00", "-"),
    // A later page may be an enclosure with its own earlier date; a
    // date found only there still counts.
    (
        "Mo, 19.11.2026\nKopi av fullmakten ligger ved.\n\u{c}Vår dato: 04.11.2026",
        "2026-11-19",
    ),
    ("Søknad\n\u{c}Mo, 19.11.2026", "2026-11-19"),
    // A mail program's header writes the weekday first.
    ("Dato: søn 8. nov 2026 02:14\nHei", "2026-11-08"),
    // Two places, and a name signed on the closing place line.
    (
        "Hemnesberget/Mo, 2. november 2026\n\nDagsenteret",
        "2026-11-02",
    ),
    (
        "Far døde i natt.\nSengen kan hentes.\n\nMo 28.10.26 Gerd Nordli",
        "2026-10-28",
    ),
    // A place line with a sentence after the date is no date line.
    (
        "Mo 28.10.26 kom mor hjem igjen fra sykehuset\nHilsen Gerd",
        "-",
    ),
    ("03.11.2026\n\nKlage på vedtak", "2026-11-03"),
    ("Hilsen\nKari\n\n3/11/2026", "2026-11-03"),
    ("Førde, 5. mars 2026", "2026-03-05"),
    ("Volda 14. juni 2026", "2026-06-14"),
    ("Dato: 1. des. 2026", "2026-12-01"),
    ("Mosjøen, 2 nov 2026", "2026-11-02"),
    ("Dato: 3.11.26", "2026-11-03"),
    ("Hilsen\nAndreas\n0311.2026", "2026-11-03"),
    ("Dato: 03.11,2026", "2026-11-03"),
    ("Hilsen Tove\n4/11-2026", "2026-11-04"),
    ("beskjed.\n. Førde, 2. november 2026", "2026-11-02"),
    ("Kontonr. 1503.2248", "-"),
    ("Skjema\nSøkjar: Liv\nInnsendt 04.11.2026", "2026-11-04"),
    // Not the letter's date.
    ("Ola Nordmann, født 12.03.1948", "-"),
    ("Eg er fødd 3. mai 1950.", "-"),
    ("Klagefrist: 24.11.2026", "-"),
    ("Svar innen 15. november 2026.", "-"),
    ("MOTTATT\n04 NOV 2026", "-"),
    ("MOTTATT 04 NOV 2026", "-"),
    ("Vi viser til vedtak datert 01.10.2026.", "-"),
    (
        "Jeg var innlagt 12.10.2026 til 20.10.2026 og trenger hjelp.",
        "-",
    ),
    ("Deres dato: 20.10.2026", "-"),
    ("Ingen dato her", "-"),
    ("Dato: 31.02.2026", "-"),
    // The letter date wins over a deadline and a birth date.
    (
        "Mo i Rana, 3. november 2026\nFødt 01.01.1950\nFrist 01.12.2026",
        "2026-11-03",
    ),
    ("MOTTATT 04 NOV 2026\nRana, 2. november 2026", "2026-11-02"),
    // The place and date line on a noisy scan.
    ("Skonseng 16.10.2026", "2026-10-16"),
    ("Mo, 26. oktober 2026", "2026-10-26"),
    ("| Skonseng 16.10.2026 ‘ .", "2026-10-16"),
    ("Mo, 26. oktober 2026 »", "2026-10-26"),
    // A form's place-and-date field, an invoice's date, a printed
    // e-mail's own "Sendt:" header.
    ("Stad og dato: Mo i Rana, 2. november 2026", "2026-11-02"),
    ("Sted/dato: Mo i Rana 11.11.2026", "2026-11-11"),
    ("Sted og dato: 12.11.2026", "2026-11-12"),
    (
        "Fakturadato: 18.11.2026\nForfallsdato: 02.12.2026",
        "2026-11-18",
    ),
    (
        "Fra: Per\nSendt: mandag 9. november 2026 08:12",
        "2026-11-09",
    ),
    ("Sendt: 10. november 2026 21:14\nTil: post", "2026-11-10"),
    ("Forfallsdato: 02.12.2026", "-"),
    ("Mo i Rana, mandag 9. november 2026", "2026-11-09"),
    // A compound label of the document's own date; a due date is not.
    (
        "PURRING\nPurredato: 17.11.2026\nForfall: 31.10.2026",
        "2026-11-17",
    ),
    // A printed e-mail whose header fields run together on one line.
    (
        "Fra: ola@example.no Sendt: 20.11.2026 23:48 Emne: Papirene",
        "2026-11-20",
    ),
    // The last line closes the letter with the date after the
    // writer's facts; the same line earlier in the letter does not.
    (
        "Eg søkjer om hjelp.\nTrond, Åsvegen 12, Mo i Rana, 12.11.2026",
        "2026-11-12",
    ),
    (
        "Hjelp meg.\nHilsen Reidun Hovde, Ytteren, 4/11-26",
        "2026-11-04",
    ),
    ("Mvh Siri Aune 977 20 113, 30.10.2026", "2026-10-30"),
    ("Vi kom hit 12.11.2026\nHilsen Kari", "-"),
    // Header fields run together, the place and date after them.
    (
        "Deres ref.: Vår ref.: 2611-HJ/mk Mo i Rana, 19. november 2026",
        "2026-11-19",
    ),
    (
        "Vår ref.: 26-1449 Sted/dato: Mo i Rana, 06.11.2026",
        "2026-11-06",
    ),
    ("Deres ref.: 2026/10455-3 Deres dato: 02.11.2026", "-"),
    // A message's time field; a discharge summary's discharge date
    // when nothing else dates it.
    ("Tid: 22.11.2026 kl. 03:48", "2026-11-22"),
    ("Innlagt: 02.11.2026 Utskrevet: 10.11.2026", "2026-11-10"),
    (
        "Innlagt: 19.11.2026      Utskrevet: 27.11.2026 til hjemmet",
        "2026-11-27",
    ),
    (
        "Utskriven: 27.11.2026 til korttidsopphald på Vik",
        "2026-11-27",
    ),
    (
        "Tromsø, 12.11.2026\nInnlagt: 02.11.2026 Utskrevet: 10.11.2026",
        "2026-11-12",
    ),
    (
        "Tid: 14. januar 2027 kl. 09.00\nPåmelding innan 10.12.2026\nBodø, 23.11.2026",
        "2026-11-23",
    ),
    (
        "Hilsen Wenche\nMo, 24.11.2026 - tlf 952 18 470",
        "2026-11-24",
    ),
    ("Han kom hjem, 12.11.2026\nHilsen Kari", "-"),
];

#[test]
fn document_date_by_position() {
    for (text, expected) in DOCUMENT_DATES {
        assert_eq!(document_date(text), d(expected), "text {text:?}");
    }
    // A validity or deadline after the day the letter arrived is not
    // its date.
    let form = "Samtykket gjeld til: [X] dato: 31.12.2027\n\nVestvik 29.09.2026";
    let arrived = NaiveDate::from_ymd_opt(2026, 10, 2);
    assert_eq!(document_date_arrived(form, arrived), d("2026-09-29"));
}

/// (excerpt, expected stamp date or "-")
const STAMPS: &[(&str, &str)] = &[
    ("MOTTATT 04 NOV 2026", "2026-11-04"),
    ("MOTTATT\n04 NOV. 2026", "2026-11-04"),
    ("Mottatt: 04.11.2026", "2026-11-04"),
    ("MOTTEKE 5. DES 2026", "2026-12-05"),
    ("M0TTATT 04 NOV 2026", "2026-11-04"),
    ("Rana, 3. november 2026", "-"),
    ("Vi har mottatt brevet ditt", "-"),
];

#[test]
fn stamp_dates() {
    for (text, expected) in STAMPS {
        assert_eq!(stamped_date(text), d(expected), "text {text:?}");
    }
}

#[test]
fn a_notes_weekday_date_takes_its_year_from_the_arrival() {
    let arrived = d("2026-11-17");
    let got = |t: &str| document_date_arrived(t, arrived);
    assert_eq!(got("mandag 16.11\n\nTil rusteamet\nHei"), d("2026-11-16"));
    assert_eq!(got("Hei\n\nTirsdag 24.11.\nKari"), d("2026-11-24"));
    assert_eq!(got("Mandag 26. oktober\n\nTil kommunen"), d("2026-10-26"));
    // The weekday must fit the day: 16.11.2026 is a Monday.
    assert_eq!(got("fredag 16.11\n\nTil rusteamet"), None);
    // Without an arrival day there is no year to give it.
    assert_eq!(document_date("mandag 16.11\n\nTil rusteamet"), None);
    // A sentence's end on the next line is no date line; under an
    // address or a stamp it is.
    let run_on = "Vi seier opp heimehjelpa frå neste månad. Den siste gongen blir då\ntorsdag 12. november.\n\nHelsing";
    assert_eq!(got(run_on), None);
    assert_eq!(
        got("Kari\nVieveien 14, 6800 Førde\nMandag 16. november"),
        d("2026-11-16")
    );
}

#[test]
fn a_notes_place_and_day_and_month_take_the_year_from_the_arrival() {
    let arrived = d("2026-12-01");
    let got = |t: &str| document_date_arrived(t, arrived);
    let note = "Hei\nKan de stoppe middagen.\n\nVoss 27/11\nKari";
    assert_eq!(got(note), d("2026-11-27"));
    assert_eq!(got("Mo, måndag 9. nov.\n\nHei"), d("2026-11-09"));
    assert_eq!(
        got("Hei\nHjelpa kom ikkje.\n\n26/11\nKari"),
        d("2026-11-26")
    );
    // December's notes from last year, not the coming one.
    assert_eq!(got("Hei\n\nMo 28/12\nKari"), d("2025-12-28"));
    // A weekday that does not fit the day, or a time, is no date line.
    assert_eq!(got("Mo, fredag 9. nov.\n\nHei"), None);
    assert_eq!(got("Hei\nNeste time 25/11\nKari"), None);
    assert_eq!(got("Hei\nFrist 25.11\nKari"), None);
    // The article before the day ("den 23.11") is no place, and the line
    // still a date line; "til den 23.11" is a deadline.
    assert_eq!(
        got("Til kommunen\n\nden 23.11\n\nJeg skriver"),
        d("2026-11-23")
    );
    assert_eq!(got("Hei\ntil den 23.11\nKari"), None);
}

#[test]
fn a_bare_date_line_the_day_of_the_stamp_is_the_letters() {
    let arrived = d("2026-12-01");
    let got = |t: &str| document_date_arrived(t, arrived);
    // Stamped the day it was written: the stamper's "13 OKT 2026" is the
    // stamp's, the "13.10.2026" under the signature the letter's.
    let text =
        "Rana kommune\nMOTTATT\n13 OKT 2026\nTil kommunen.\n\nSend det.\n\nOla\n\n13.10.2026";
    assert_eq!(got(text), d("2026-10-13"));
    // The stamper's line alone still dates nothing.
    assert_eq!(got("VOSS HERAD\n23 OKT 2026\n\nHei\nKari"), None);
}

#[test]
fn a_mail_programs_short_weekday_in_the_sent_header() {
    let mail = "Frå: Ola <ola@example.no>\nSendt: fre. 27.11.2026 01:34\nTil: post@kommune.no\nEmne: treng hjelp\n\nhei";
    assert_eq!(document_date(mail), d("2026-11-27"));
    let english = "From: Ola\nSent: Fri, 27.11.2026 01:34\n\nhei";
    assert_eq!(document_date(english), d("2026-11-27"));
}

#[test]
fn a_stamp_on_the_place_line_leaves_the_letters_date() {
    let arrived = d("2026-12-01");
    let got = |t: &str| document_date_arrived(t, arrived);
    // The stamp's word above the date line, its date run into it.
    let text = "Ta kontakt.\n\nOTTEKE\nSkarvik, 30. oktober 2026 aa NOV. 2026\nHelsing\nOlav";
    assert_eq!(got(text), d("2026-10-30"));
    // The stamp's own date under its word is still no letter date.
    assert_eq!(got("Hei\n\nMOTTATT\n03.11.2026\n\nHilsen Kari"), None);
}

#[test]
fn a_reference_table_dates_the_letter_under_its_dato_heading() {
    let letter = "Helse Nord\n\nVår ref. Deres ref. Saksbehandler Dato\n2026/114 - Kari Li 07.10.2026\n\nSøknad";
    assert_eq!(document_date(letter), d("2026-10-07"));
    let nynorsk = "Vår ref.      Dykkar ref.     Dato\n26/1022-4 / MH    -    02.10.2026\n";
    assert_eq!(document_date(nynorsk), d("2026-10-02"));
    // The last heading the other party's date: not this letter's.
    let theirs = "Vår ref. Deres ref. Deres dato\n26/14 2026/881 28.10.2026\n";
    assert_eq!(document_date(theirs), None);
}

#[test]
fn a_compound_dato_label_dates_the_letter_unless_it_names_another_event() {
    let got = |t: &str| document_date(t);
    assert_eq!(
        got("Alarmrapport\nRapportdato: 02.11.2026\n"),
        d("2026-11-02")
    );
    assert_eq!(got("Notat\nKontrolldato: 19.10.2026\n"), d("2026-10-19"));
    assert_eq!(got("Svar\nFødselsdato: 12.03.1948\n"), None);
    assert_eq!(got("Krav\nSkadedato: 18.09.2026\n"), None);
    assert_eq!(got("Plan\nOppstartsdato: 01.12.2026\n"), None);
}

#[test]
fn address_and_place_line_run_together_date_the_letter() {
    let got = |t: &str| document_date(t);
    let merged = "Til Sunnvik kommune, Helse og omsorg Bergen 09.11.2026\n\nSøknad";
    assert_eq!(got(merged), d("2026-11-09"));
    let colon = "Til: Sunnvik kommune, rus og psykisk helse Sogndal 5.11.2026\n";
    assert_eq!(got(colon), d("2026-11-05"));
    // The place set off by a comma, as a letterhead's column reads.
    let comma = "Til Sundvik kommune, Tildelingskontoret Sundvik, 04.11.2026\n";
    assert_eq!(got(comma), d("2026-11-04"));
    // A deadline after "til" is none.
    assert_eq!(got("Vi ber om svar til 03.12.2026 om mulig."), None);
    assert_eq!(
        got("Vi ber om svar til kommunen, 03.12.2026 om mulig."),
        None
    );
}

#[test]
fn a_gap_ocr_set_inside_the_month_keeps_the_date() {
    let got = |t: &str| document_date(t);
    assert_eq!(
        got("Vår dato: 16.1 1.2026\nVår referanse: 26-1"),
        d("2026-11-16")
    );
    // A gap that makes no month hides no date after it.
    let read: Vec<_> = dates_in("skjema 10.1 5.11.2026").collect();
    assert_eq!(read, vec![NaiveDate::from_ymd_opt(2026, 11, 5).unwrap()]);
    // A day and a month of one digit each are still read as written.
    assert_eq!(got("Dato: 6.1.2027\n"), d("2027-01-06"));
}

#[test]
fn month_abbreviations_with_br_and_a_weekday_with_a_slash() {
    assert_eq!(document_date("Myrvang, 19. novbr. 2026\n"), d("2026-11-19"));
    assert_eq!(document_date("Mo, 2. septbr. 2026\n"), d("2026-09-02"));
    let note = "Hei\n\nmandag 23/11\n\nStrømmen er borte og vi har ikke mat.";
    assert_eq!(
        document_date_arrived(note, d("2026-11-25")),
        d("2026-11-23")
    );
}

#[test]
fn a_forwarded_mails_outer_header_dates_it() {
    let mail = "Fra: Roger <r@example.no>\nSendt: tirsdag 10. november 2026 12:03\nEmne: VS: Endring\n\nHei.\n\n-----Videresendt melding-----\nFra: Legesenteret\nDato: 9. november 2026 15:40\nEmne: Endring";
    assert_eq!(document_date(mail), d("2026-11-10"));
}

#[test]
fn a_message_headers_received_time_is_the_letters_date() {
    let sms = "Avskrift av SMS til Servicetorget\nMottatt: 13.10.2026 kl. 19.42\nFra: 977 14 680\n\n\"Hei. Jeg vil søke.\"";
    assert_eq!(document_date(sms), d("2026-10-13"));
}

#[test]
fn reference_fields_after_the_place_and_date_leave_it_the_letters() {
    let got = |t: &str| document_date(t);
    let head = "VEST POLITIDISTRIKT\n\nStord, 11.11.2026 Saksnr.: 26-081455TVA\n\nVARSEL\nFravikelsen gjennomføres tirsdag 24.11.2026 kl. 09.00";
    assert_eq!(got(head), d("2026-11-11"));
    assert_eq!(
        got("DPS\n\nStord, 12.11.2026 Vår ref.: 26/11934\n\nNeste time 01.12.2026"),
        d("2026-11-12")
    );
    // A sentence after the date is no reference row (and an
    // appointment no letter's date).
    assert_eq!(
        got("Stord, 12.11.2026 sa han at han ville flytte.\n\nNeste time 01.12.2026"),
        None
    );
    let report = "EPIKRISE\nInnlagt: 25.08.2026\nUtskriven: 02.10.2026\nSkrive: 06.10.2026\n\nTime 14.10.2026";
    assert_eq!(got(report), d("2026-10-06"));
}

#[test]
fn forms_and_reports_label_their_date_their_own_way() {
    let got = |t: &str| document_date(t);
    assert_eq!(
        got("Innsendt: 19.11.2026 kl. 20:36\nReferanse: KS-2026-1"),
        d("2026-11-19")
    );
    assert_eq!(got("EPIKRISE\nEpikrisedato: 06.11.2026"), d("2026-11-06"));
    assert_eq!(got("Dato for epikrise: 03.11.2026"), d("2026-11-03"));
    assert_eq!(got("Nordvik 16/10 2026\n\nTil kommunen"), d("2026-10-16"));
    assert_eq!(
        got("Deres ref.: 2023/781 Vår ref.: AP-VL-1187 12.10.2026\n\nAvslutning av avtale"),
        d("2026-10-12")
    );
    assert_eq!(got("Vår ref.: 26/14 Deres dato: 01.10.2026\n\nSvar"), None);
    // A line that says how the letter was sent, its date closing it.
    assert_eq!(
        got("Nordfjord psykiatrisenter\nTil: Fjellvik kommune\nSendt via helsenett (PLO/dialogmelding) 02.12.2026\n\nMelding om utskriving\nInnlagt sidan 09.11.2026."),
        d("2026-12-02")
    );
    assert_eq!(
        got("Fjellvik skule\nSendt på e-post til postmottak 27.11.2026 kl. 08:14\n\nBekymring for elev"),
        d("2026-11-27")
    );
    assert_eq!(
        got("Fjellvik legekontor\nDialogmelding, sendt 27.11.2026\n\nLegeerklæring\nHeimebesøk 25.11.2026."),
        d("2026-11-27")
    );
    // An enclosure's note names the mail's day, not the letter's.
    assert_eq!(
        got("Fullmakt\n\nMo, 09.11.2026\n\nTone Lie\n\nSendt som vedlegg til e-post fra Tone Lie 10.11.2026."),
        d("2026-11-09")
    );
    // Prose that names when something was sent is not the letter's date.
    assert_eq!(
        got("Søknaden ble skrevet i oktober og\nsendt til NAV 12.10.2026, men de svarte aldri."),
        None
    );
    assert_eq!(
        got(
            "Samtykket gjelder søknad om praktisk bistand, innsendt 02.11.2026\n\nDato: 03.11.2026"
        ),
        d("2026-11-03")
    );
}

#[test]
fn a_stamp_read_into_the_letterhead_yields_to_the_letters_place_line() {
    // The stamp's word lost in the name it covers: a name and a date look
    // like a place line, and come first.
    let covered = "Kari Nordbø Lieshqxatt 16.11.2026\nFjellvegen 2\n6440 Elnesvågen\n\nElnesvågen, 12. november 2026\n\nSøknad om matombringing";
    let arrived = d("2026-11-18");
    assert_eq!(document_date_arrived(covered, arrived), d("2026-11-16"));
    let stamp = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    assert_eq!(
        document_date_stamped(covered, arrived, stamp),
        d("2026-11-12")
    );
    // A letter written the day it was handed in keeps its date.
    let same_day = "Elnesvågen, 16.11.2026\n\nSøknad om matombringing";
    assert_eq!(
        document_date_stamped(same_day, arrived, stamp),
        d("2026-11-16")
    );
    // A label says the date is the letter's, even the stamp's day.
    let labelled = "Elnesvågen, 12.11.2026\nDato: 16.11.2026\n\nMelding";
    assert_eq!(
        document_date_stamped(labelled, arrived, stamp),
        d("2026-11-16")
    );
}

#[test]
fn a_stamps_date_under_its_word_across_a_blank_line_is_the_stamps() {
    let scan = "Mottatt\n\n20.11.2026\n\nSolvik interkommunale legevakt\n\nEPIKRISE\nUtskrevet: 18.11.2026\n\nPasienten kom etter fall.";
    assert_eq!(document_date(scan), d("2026-11-18"));
    // On the line right under its word, as before.
    assert_eq!(
        document_date(&scan.replacen("\n\n", "\n", 1)),
        d("2026-11-18")
    );
}

#[test]
fn a_mail_programs_cut_weekday_and_a_forms_submission_date_the_letter() {
    let arrived = NaiveDate::from_ymd_opt(2026, 12, 3);
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    // Gmail's Norwegian header: a two-letter weekday with its dot.
    let mail = "Fra: Brita K <brita@example.no>\nDato: to. 5. nov. 2026 kl. 14:10\n\
                Emne: Klage\n\nEg viser til vedtaket av 22. oktober 2026.";
    assert_eq!(document_date_arrived(mail, arrived), day(11, 5));
    let sent = "Sendt: lø. 21.11.2026 09:02\nTil: postmottak\n\nHei.";
    assert_eq!(document_date_arrived(sent, arrived), day(11, 21));
    // A web form's receipt line names the form, then the day it was sent in.
    let form = "Digitalt skjema, innsendt 08.10.2026 kl. 21:15\n\nSøknad om BPA";
    assert_eq!(document_date_arrived(form, arrived), day(10, 8));
}

#[test]
fn a_forms_fields_date_it_where_another_field_follows_or_the_colon_is_left_out() {
    let arrived = NaiveDate::from_ymd_opt(2026, 12, 3);
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    // The place-and-date field, the signature field after it on its row.
    let signed = "Søknad om omsorgsstønad\n\nVi viser til samtalen 2. oktober 2026.\n\n\
                  Stad/dato: Mo, 12.11.2026      Underskrift: Kjell Brattland";
    assert_eq!(document_date_arrived(signed, arrived), day(11, 12));
    // A receipt row's "Innsendt" between field separators, no colon.
    let receipt = "Skjema HO-30 · Innsendt 30.11.2026 kl. 19:48 · Ref. ES-2026-120155\n\n\
                   Bekymringsmelding\nHendinga skjedde 14.11.2026.";
    assert_eq!(document_date_arrived(receipt, arrived), day(11, 30));
    // A portal's receipt line, the channel named before the date; the
    // attached discharge summary's dates are older.
    let portal = "Avsender: Terje Brekke\n\
                  Innsendt via Fjordvik kommunes digitale postkasse, 24.11.2026\n\
                  Emne: Ettersending\n\nHer er epikrisen.\n\n\
                  EPIKRISE\nInnlagt: 28.09.2026   Utskrevet: 09.10.2026";
    assert_eq!(document_date_arrived(portal, arrived), day(11, 24));
    assert_eq!(
        document_date_arrived(
            "Skjema sendt: 13.10.2026 kl. 10:05\n\nMatombringing",
            arrived
        ),
        day(10, 13)
    );
    // A system's printout: the moment it was made.
    let printout = "Generert: 01.12.2026 14:26 Saksnummer: 2026-HMS-448190\n\nVedtak 12.11.2026";
    assert_eq!(document_date_arrived(printout, arrived), day(12, 1));
    // In prose, after a comma, a form sent in before is no field.
    let prose = "Eg viser til søknaden min, innsendt 02.11.2026.\n\nMo, 20. november 2026";
    assert_eq!(document_date_arrived(prose, arrived), day(11, 20));
}
