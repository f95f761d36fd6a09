//! Whom a digital letter is addressed to: the strongest unit signal for
//! digital post, above the type's unit and every topic word. Senders name
//! the unit in the addressee block however they lay it out, and the rules
//! file's `[[addressees]]` say which names mean which unit:
//!
//! - an "Att.:" line anywhere ("Att.: Tildelingskontoret", "Attn: …");
//! - a message's subject that opens with "Til" in the head ("Emne: Til
//!   Åsvegen sjukeheim, avd. 1 – …");
//! - a "Til"/"Mottaker" line in the letter's head ("Til: Rana kommune,
//!   psykisk helse og rus", "Til sykehjem og hjemmetjenester i Rana"), or
//!   the block it begins when it names a person or a ward but no unit
//!   ("Til avdelingsleder på 2. etasje" / "Fjordvik sjukeheim");
//! - the lines under the municipality's name in the head ("Rana kommune" /
//!   "Tildelingskontoret"), or the line above it when a unit's name begins
//!   that line ("Hjemmesykepleien, sone Nord" / "Sunnfjord kommune"; a
//!   letterhead names a centre "for" the services), unless that name heads
//!   the letter (it is then the sender's letterhead: "Vefsn kommune /
//!   Hjemmetjenesten …") or a field comes right before it ("Kunde:",
//!   "Kundenummer: …": an invoice's customer; a "Kopi til:" line is no
//!   such field: the municipality under it is a recipient);
//! - the reader addressed by their unit in running text ("alt dere i
//!   psykisk helse har skrevet om meg").
//!
//! Works on folded text (`normalize::fold`); pure.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::{Fired, Rules};

/// How many non-empty lines count as the letter's head.
const HEAD_LINES: usize = 15;

/// "Att.: Tildelingskontoret", "Att: …", "Attn. …"; group 1 is what it names.
static ATT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s|.,'`]*(?:att|attn|attention)\s*[.:]+\s*(.{3,80})$").expect("static regex")
});

/// A message's subject that opens with its addressee ("Emne: Til Åsvegen
/// sjukeheim, avd. 1 – mor …", "Subject: Att. heimetenesta"): a relative
/// writing to the municipality's post box names the ward there. Group 1
/// what it names.
static SUBJECT_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s>|]*(?:emne|subject|tema)\s*:\s*(?:til|att|attn)\b[\s.:]*(.{3,100})$")
        .expect("static regex")
});

/// "Til: …", "Til …", "Mottaker: …"; group 1 the colon, group 2 the rest.
static TO_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s|.,'`]*(?:til|mottaker|mottakar|adressat)\s*(:?)\s+(.{3,100})$")
        .expect("static regex")
});

/// A municipality's name on its own line ("Rana kommune", or "Voss herad",
/// as some nynorsk municipalities are officially called), or with the
/// unit after it ("Rana kommune, tildelingskontoret"); group 1 the rest.
static MUNICIPALITY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s|.,'`]*[a-z][a-z\-]{1,25}(?:\s+[a-z\-]{1,25})?\s+(?:kommune|herad)\b(.{0,80})$",
    )
    .expect("static regex")
});

/// The reader addressed by their unit: "dere i …", "dykk på …".
static YOU_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:dere|dykk|de)\s+(?:i|pa|hos|ved)\s+").expect("static regex")
});

/// A field of a form or an invoice's head, with or without its value
/// ("Kunde:", "Kundenummer: 10020030040"): a municipality under it is that
/// field's (the customer), not the addressee.
static FIELD_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s|.,'`]*[a-z][a-z .\-/]{1,30}:").expect("static regex"));

/// "Kopi til:", "Kopi:": the recipients of a copy, the municipality's
/// unit among them.
static COPY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s|.,'`]*(?:kopi|gjenpart)(?:\s+til)?\s*:").expect("static regex")
});

/// A full stop after a word, "?" or "!" inside a line: a sentence that
/// wrapped, not an address ("2. etasje" is an ordinal, and no stop).
static SENTENCE_STOP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[a-z][.?!]\s").expect("static regex"));

/// "Til", "Til:" or "Mottaker:" alone on its line: the block under it is
/// the addressee's.
static TO_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s|.,'`]*(?:til|mottaker|mottakar|adressat)\s*:?\s*$").expect("static regex")
});

/// Whether a (folded) line is an "Att.:" line: the unit it names is the
/// sender's addressee, not what the letter is about.
pub(super) fn is_att_line(line: &str) -> bool {
    ATT_LINE.is_match(line)
}

/// Whether a (folded) line names the letter's addressee: "Til …",
/// "Mottaker: …", "Til" alone, "Att.: …". The stamp reader asks too: a
/// date under such a line is the letter's, not a stamp's.
pub(super) fn is_to_line(line: &str) -> bool {
    TO_LINE.is_match(line) || TO_ALONE.is_match(line) || ATT_LINE.is_match(line)
}

/// The addressee entry the letter names, by the first way above that
/// names one. `named(text, anchored)` is the rules' lookup: the one unit
/// `text` names (at its start when `anchored`).
pub(super) fn addressed(
    folded: &str,
    named: impl Fn(&str, bool) -> Option<usize>,
) -> Option<usize> {
    let lines: Vec<&str> = folded.lines().collect();
    let att = lines.iter().find_map(|line| {
        let rest = ATT_LINE.captures(line)?.get(1)?.as_str();
        named(rest, false)
    });
    let subject = || {
        head_lines(&lines).find_map(|i| {
            let rest = SUBJECT_TO.captures(lines[i])?.get(1)?.as_str();
            named(rest, false)
        })
    };
    att.or_else(subject)
        .or_else(|| to_line(&lines, &named))
        .or_else(|| under_municipality(&lines, &named))
        .or_else(|| {
            YOU_IN
                .find_iter(folded)
                .find_map(|m| named(&folded[m.end()..], true))
        })
}

/// A "Til" line of the head. Without a colon it must read as an address,
/// not a sentence that wrapped to begin with "til". "Til" alone on its
/// line heads the addressee's block: the line under it names them; so do
/// the next lines when the "Til" line names a person or a ward but no
/// unit ("Til avdelingsleder på 2. etasje" / "Fjordvik sjukeheim").
fn to_line(lines: &[&str], named: &impl Fn(&str, bool) -> Option<usize>) -> Option<usize> {
    head_lines(lines).find_map(|i| {
        let line = lines[i];
        if TO_ALONE.is_match(line) {
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty())?;
            return named(next, false);
        }
        let caps = TO_LINE.captures(line)?;
        let rest = caps.get(2)?.as_str();
        let colon = caps.get(1).is_some_and(|c| !c.as_str().is_empty());
        if !colon && is_sentence(rest) {
            return None;
        }
        named(rest, false).or_else(|| block_after(&lines[i + 1..], named))
    })
}

/// Indexes of the letter's head: its first non-empty lines.
fn head_lines<'a>(lines: &'a [&str]) -> impl Iterator<Item = usize> + 'a {
    (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .take(HEAD_LINES)
}

/// The unit named by the (at most two) lines that continue an address
/// block, up to its blank line: short lines, no sentence, no field
/// ("Dato: …").
fn block_after(rest: &[&str], named: &impl Fn(&str, bool) -> Option<usize>) -> Option<usize> {
    rest.iter()
        .take_while(|l| !l.trim().is_empty())
        .take(2)
        .take_while(|l| l.chars().count() <= 60 && !is_sentence(l) && !FIELD_LABEL.is_match(l))
        .find_map(|l| named(l, false))
}

fn is_sentence(line: &str) -> bool {
    SENTENCE_STOP.is_match(line) || line.chars().count() > 80
}

/// Whether the block that opens `lines` (up to its blank line) has a
/// postcode line within its first five ("5460 Husnes").
fn ends_in_postcode(lines: &[&str]) -> bool {
    static POSTCODE_LINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*\d{4}\s+\p{L}").expect("static regex"));
    lines
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .take(5)
        .any(|l| POSTCODE_LINE.is_match(l))
}

/// The unit on the municipality's line or on the (at most two) lines
/// under it, else on the line above it when the unit's name begins that
/// line, in the letter's head. Session 23: round CV unit 4034 -> 4035/4155
/// (read anywhere on the line above, a regional centre's letterhead "for
/// sykehjem og hjemmetjenester" was lost for it).
fn under_municipality(
    lines: &[&str],
    named: &impl Fn(&str, bool) -> Option<usize>,
) -> Option<usize> {
    let non_empty: Vec<usize> = head_lines(lines).collect();
    non_empty.iter().enumerate().find_map(|(rank, &i)| {
        let caps = MUNICIPALITY_LINE.captures(lines[i])?;
        // The letter's first line is its sender; a field label before the
        // name makes the block that field's (an invoice's customer).
        if rank == 0 {
            return None;
        }
        let before = lines[non_empty[rank - 1]];
        if FIELD_LABEL.is_match(before) && !TO_ALONE.is_match(before) && !COPY_LINE.is_match(before)
        {
            return None;
        }
        let own = caps.get(1).map_or("", |m| m.as_str());
        let address_line = |l: &&str| l.chars().count() <= 60 && !is_sentence(l);
        // OCR may part an address block's lines with a blank one where the
        // scan's line spacing varies ("Kvinnherad kommune" / "" / "Helse og
        // omsorg" / "v/ Tildelingskontoret" / … / "5460 Husnes"): one blank
        // line under the municipality's does not end the block when the
        // lines after it end in a postcode, as an address does (a subject
        // or the letter's first lines do not).
        let under = &lines[i + 1..];
        let under = match under {
            [blank, rest @ ..] if blank.trim().is_empty() && ends_in_postcode(rest) => rest,
            _ => under,
        };
        std::iter::once(own)
            .chain(
                under
                    .iter()
                    .take_while(|l| !l.trim().is_empty())
                    .take(2)
                    .copied(),
            )
            .filter(address_line)
            .find_map(|l| named(l, false))
            // The unit on the line above (an empty one names none), when
            // its name begins that line ("Hjemmesykepleien, sone Nord" /
            // "Sunnfjord kommune"): a letterhead names a centre "for" the
            // services ("Utviklingssenter for sykehjem …"). `rank > 0`, so
            // there is a line above.
            .or_else(|| {
                Some(lines[i - 1])
                    .filter(address_line)
                    .and_then(|above| named(above, true))
            })
    })
}

impl Rules {
    /// The unit the letter is addressed to (folded text), with its rule:
    /// see the module comment.
    pub fn addressed_unit(&self, folded: &str) -> Option<Fired> {
        addressed(folded, |text, anchored| self.addressee_in(text, anchored)).map(|owner| {
            let a = &self.file.addressees[owner];
            Fired {
                target: a.unit.clone(),
                label: a.label.clone(),
                weight: 1.0,
            }
        })
    }

    /// The one unit `text` names as an addressee (index of its
    /// `[[addressees]]` entry); none when it names two units ("Til
    /// hjemmetjenesten / tildelingen" is no decision). `anchored`: the
    /// name must begin the text.
    fn addressee_in(&self, text: &str, anchored: bool) -> Option<usize> {
        let mut found: Vec<(usize, usize)> = self
            .addressees
            .iter()
            .filter_map(|(owner, re)| {
                let m = re.find(text)?;
                (!anchored || text[..m.start()].trim().is_empty()).then_some((m.start(), *owner))
            })
            .collect();
        found.sort_unstable();
        let (_, first) = *found.first()?;
        let unit = &self.file.addressees[first].unit;
        found
            .iter()
            .all(|(_, o)| self.file.addressees[*o].unit == *unit)
            .then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fold, rules::Rules, DEFAULT_RULES_TOML};

    fn unit(text: &str) -> Option<String> {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        rules.addressed_unit(&fold(text)).map(|f| f.target)
    }

    #[test]
    fn a_message_subject_opening_with_til_names_the_addressee() {
        let mail = "Fra: Kari <kari@example.no>\nTil: postmottak@rana.kommune.no\n\
                    Emne: Til Fjellheim sykehjem, 2. etg. - om far\n\nHei";
        assert_eq!(unit(mail), Some("omsorg".to_owned()));
        let nynorsk = "Emne: til psykisk helseteneste – bror min\n\nHei";
        assert_eq!(unit(nynorsk), Some("rus-psykisk-helse".to_owned()));
        // "Til orientering" and an offer ("Tilbud: … for hjemmetjenesten")
        // address no one.
        assert_eq!(unit("Emne: Til orientering\n\nHei"), None);
        assert_eq!(unit("Emne: Tilbud: kurs for hjemmetjenesten\n\nHei"), None);
    }

    #[test]
    fn the_addressee_block_names_the_unit_however_it_is_laid_out() {
        let some = |u: &str| Some(u.to_owned());
        assert_eq!(
            unit("Att.: Tildelingskontoret\nHjemmesykepleie"),
            some("mta")
        );
        assert_eq!(
            unit("Politiet\n\nTil: Rana kommune, psykisk helse og rus\nDato: 28.11.2026"),
            some("rus-psykisk-helse")
        );
        assert_eq!(
            unit("Nyhetsbrev fra apoteket\n\nTil sykehjem og hjemmetjenester i Rana\n"),
            some("omsorg")
        );
        assert_eq!(
            unit("Til: Rana kommune, helse og omsorg / tildeling\nDato: 19.11.2026"),
            some("mta")
        );
        assert_eq!(
            unit("Helgelandssykehuset\nHabilitering\n\nRana kommune\nTildelingskontoret\n\nSammenfatning"),
            some("mta")
        );
        assert_eq!(
            unit("VIL HA KOPI AV ALT DERE I PSYKISK HELSE HAR SKREVET OM MEG."),
            some("rus-psykisk-helse")
        );
        // A municipality called "herad", its unit "v/" the office.
        assert_eq!(
            unit("Geir Hovland\nBrekkevegen 9\n\nVoss herad\nv/ tildelingskontoret\n\nVoss 26.11.2026"),
            some("mta")
        );
        // The unit above the municipality, when its name begins the line.
        assert_eq!(
            unit(
                "Hjemmesykepleien, sone Nord\nSunnfjord kommune\nPostboks 338\n\nFørde, 26.11.2026"
            ),
            some("omsorg")
        );
        // "Til" alone heads the block under it.
        assert_eq!(
            unit("Kari Nilsen\nStorgata 4\n\nTil\nHjemmesykepleien, sone nord\nRana kommune"),
            some("omsorg")
        );
        // A "Til" line naming a person or a ward: the block goes on to say
        // where ("2. etasje" is an ordinal, no sentence).
        assert_eq!(
            unit("Fjordvik 18.11.2026\n\nTil avdelingsleder på 2. etasje (skjermet avdeling)\nFjordvik sjukeheim\n\nVedr. min mor"),
            some("omsorg")
        );
        assert_eq!(
            unit("Til Sunnfjord kommune\nKorttidsavdelinga, Førde helsetun\n\nFørde, 20.11.2026"),
            some("omsorg")
        );
        // The services as their users name them.
        assert_eq!(
            unit("Bjørn Hatlen\nVestre Lid 9\n\nTil Solvik kommune, rus\n"),
            some("rus-psykisk-helse")
        );
        assert_eq!(
            unit("Til psykiatritenesta i kommunen\n"),
            some("rus-psykisk-helse")
        );
        assert_eq!(
            unit("Til rusteamet i Sunnfjord kommune\n"),
            some("rus-psykisk-helse")
        );
        assert_eq!(
            unit("Til: Rana kommune, Helse og omsorg, Gullsmedvik omsorgssenter\n"),
            some("omsorg")
        );
        // A hospital's copy to the municipality's unit.
        assert_eq!(
            unit("Helse Vestkyst HF\nEPIKRISE\nKopi til: Fastlege Marit Lien, Hamnvik legekontor\nHamnvik kommune, psykisk helse og rus, v/ Lars Ove Nygård\n"),
            some("rus-psykisk-helse")
        );
    }

    #[test]
    fn a_sender_a_customer_or_a_sentence_is_no_addressee() {
        // The sender's own letterhead, an invoice's customer, a wrapped
        // sentence, a line naming two units, no unit at all.
        assert_eq!(
            unit("Vefsn kommune\nHjemmetjenesten Mosjøen sentrum\n\nTil: Rana kommune"),
            None
        );
        assert_eq!(
            unit("Bilverksted AS\nFAKTURA\nKunde:\nRana kommune\nHjemmetjenesten sone sør\n"),
            None
        );
        assert_eq!(
            unit("Hjelpemiddelhuset AS\nKundenummer: 100200\n\nRana kommune, hjemmetjenesten\n"),
            None
        );
        assert_eq!(
            unit("Hei\ntil kommunen. Eg søkjer om oppfølging frå rustenesta, takk"),
            None
        );
        assert_eq!(unit("Til hjemmetjenesten / tildelingskontoret\n"), None);
        // A letterhead naming a centre for the services above its
        // municipality is the sender's.
        assert_eq!(
            unit("Utviklingssenter for sykehjem og hjemmetjenester i Nordland\nBodø kommune\n\nTil kommunene i Nordland\n"),
            None
        );
        // The block ends at its blank line: the date and the subject under
        // it are no address.
        assert_eq!(
            unit("Olaug Tustervatn\n\nTil Rana kommune\n\nMo i Rana 2. november 2026\n\nSpørsmål om betaling på sjukeheim\n"),
            None
        );
        assert_eq!(unit("Til: Rana kommune, Helse og omsorg\n"), None);
        // A blank line OCR put inside the address block, which ends in
        // its postcode; a subject under a blank line is no address.
        assert_eq!(
            unit("Svein Bø\n5454 Sæbøvik\n\nKvinnherad kommune\n\nHelse og omsorg\nv/ Tildelingskontoret\nRådhusvegen 10\n5460 Husnes\n\nSæbøvik 23.11.2026"),
            Some("mta".to_owned())
        );
        assert_eq!(
            unit("Kari Vik\nVikaveien 3\n\nRana kommune\n\nSøknad om hjemmesykepleie\nJeg søker om hjelp morgen og kveld\n"),
            None
        );
    }
}
