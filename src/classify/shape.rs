//! Shapes of a whole letter that say its type where no one phrase does.
//!
//! **Disputes a decision**: an appeal that may never say "klage". The writer refers to
//! a decision or a letter from the municipality ("vedtaket", "avslaget",
//! "brevet av 4. november", "De skriv at …") and disagrees with it ("vi er
//! ikkje samde", "eg synest ikkje dette er rett") or asks that it be looked
//! at again ("vurderer saka ein gong til", "at nokon ser på det igjen").
//! The words of disagreement and of a second look vary without end; their
//! grammar does not (a negated agreement or judgement; a verb of looking
//! with "again" a few words after it), so the patterns follow the grammar.
//!
//! **Supports an application**: a clinician's or helper's statement for
//! someone else's application ("Jeg støtter søknaden", "tilrår at ho får
//! plass"): health information attached to an application, not one. The
//! words of application it contains ("søknaden", "praktisk bistand") are
//! the other person's.
//!
//! **Applies in its subject**: the subject line begins "Søknad om …" (or
//! "på", "til"): the sender says what the letter is. A hospital's or
//! NAV's application reads like health information (diagnoses, the ward,
//! a doctor's signature) and is still an application.
//!
//! A `[[shape_rules]]` entry (`shape = "disputes_decision"`, …) turns a
//! shape into evidence for a type.
//!
//! Works on folded text (`normalize::fold`); pure.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

/// A shape of a whole letter that says something about its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeShape {
    /// Refers to a decision and disputes it (see the module comment).
    DisputesDecision,
    /// Speaks for someone else's application.
    SupportsApplication,
    /// Its subject line is an application's.
    AppliesInSubject,
}

impl TypeShape {
    /// Whether the folded letter, with its folded subject line (empty
    /// without one), has this shape.
    pub fn holds(self, folded: &str, folded_subject: &str) -> bool {
        match self {
            TypeShape::DisputesDecision => disputes_decision(folded),
            TypeShape::SupportsApplication => SUPPORTS_APPLICATION.is_match(folded),
            TypeShape::AppliesInSubject => APPLICATION_SUBJECT.is_match(folded_subject),
        }
    }
}

/// A decision, a refusal or a letter the writer answers.
static REFERS_TO_DECISION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\bvedtak|\bavslag|\bavslatt|\bavgjerd|\bavgjorelse|\bbeslutning",
        r"|\bbrevet\s+(?:av|fra|datert|de|dere|du|om|me|vi|eg|jeg)\b",
        r"|\bsvar\s+pa\b|\b(?:de|dere)\s+(?:skriv|skriver)\b",
    ))
    .expect("static regex")
});

/// Disagreement: an agreement or a judgement negated, or a word that is one.
static DISAGREES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:ikke|ikkje)\s+(?:helt\s+|heilt\s+)?(?:enig|einig|enige|einige|samd|samde)\b",
        r"|\buenig|\bueinig|\burettferdig|\burimelig|\burimeleg",
        r"|\b(?:synes|synest|syns|meiner|mener)\s+(?:ikke|ikkje)\b",
        r"|\b(?:ikke|ikkje)\s+(?:rett|riktig|rimelig|rimeleg|rettferdig)\b",
        r"|\bkan\s+(?:ikke|ikkje)\s+(?:godta|akseptere|forsta|skjonne|skjona)\b",
        r"|\b(?:forstar|skjonner|skjonar)\s+(?:ikke|ikkje)\b",
        r"|\bprotester|\bfeil\s+vurder",
    ))
    .expect("static regex")
});

/// A second look asked for: a verb of looking or judging with "again" at
/// most six words after it, or the decision to be changed.
static ASKS_AGAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:vurder\w*|se|sja|ser|ta|tek|tar|behandl\w*|handsam\w*|ga\s+gjennom|gjennomga\w*|sjekke|sjekk|undersok\w*)",
        r"(?:\W+\w+){0,6}?\W+",
        r"(?:pa\s+nytt|pa\s+ny|igjen|att|ein\s+gong\s+til|en\s+gang\s+til|om\s+igjen)\b",
        r"|\b(?:gjere|gjore|gjor|gjer)\s+om\b|\bomgjor",
        r"|\bendre\s+(?:vedtaket|avgjerda|avgjorelsen|beslutningen)",
        r"|\bny\s+vurdering|\bnytt\s+vedtak",
    ))
    .expect("static regex")
});

/// A verb of support with the application at most three words after it,
/// or a recommendation that the person get what was applied for.
static SUPPORTS_APPLICATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:stotter|stottar|stor|anbefaler|anbefalar|tilrar|gar\s+god\s+for|gar\s+inn\s+for)",
        r"\s+(?:\w+\W+){0,3}?soknad\w*",
        r"|\b(?:anbefaler|anbefalar|tilrar)\s+(?:sterkt\s+)?at\s+(?:\w+\W+){0,5}?(?:far|innvilg\w*)\b",
    ))
    .expect("static regex")
});

/// A subject that opens with an application: "Søknad om korttidsopphold",
/// "SØKNAD OM HELSE- OG OMSORGSTJENESTER", "Søknad på BPA".
static APPLICATION_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\W*(?:soknad|sokn\.)\s+(?:om|pa|til)\b").expect("static regex"));

/// Whether the folded letter refers to a decision and disputes it.
pub fn disputes_decision(folded: &str) -> bool {
    REFERS_TO_DECISION.is_match(folded)
        && (DISAGREES.is_match(folded) || ASKS_AGAIN.is_match(folded))
}

#[cfg(test)]
mod tests {
    use super::super::fold;
    use super::*;

    #[test]
    fn disagreeing_with_a_decision_in_everyday_words_is_disputing_it() {
        let yes = [
            "Far har fått vedtak om at opphaldet skal avsluttast. Vi er ikkje samde i dette.",
            "De skriv i brevet av 4. november at eg ikkje fyller vilkåra. Eg synest ikkje dette er rett.",
            "Jeg er uenig i vedtaket og ber om at saken vurderes på nytt.",
            "Viser til avslaget. Kan dere se på saken min en gang til?",
            "Vedtaket tar ikke med at hun er alene om natten; vi ber dere gjøre om dette.",
        ];
        for text in yes {
            assert!(disputes_decision(&fold(text)), "{text}");
        }
        // A decision named without dispute, an application, a complaint
        // about a visit that never came.
        let no = [
            "Takk for vedtaket om trygghetsalarm. Den fungerer fint.",
            "Jeg søker om hjemmesykepleie. Jeg er ikke enig med meg selv om når.",
            "Ingen kom i dag heller. Dette er ikke rett, vi må kunne stole på dere.",
            "Vi viser til vedtak om praktisk bistand og melder at brukeren har flyttet.",
        ];
        for text in no {
            assert!(!disputes_decision(&fold(text)), "{text}");
        }
    }

    #[test]
    fn a_subject_that_opens_with_an_application_applies() {
        let applies = |s: &str| TypeShape::AppliesInSubject.holds("", &fold(s));
        assert!(applies("SØKNAD OM HELSE- OG OMSORGSTJENESTER"));
        assert!(applies("Søknad på BPA for sonen vår"));
        assert!(applies("Søknad om oppfølging fra rustjenesten - Per"));
        assert!(!applies("Legeerklæring til søknad om omsorgsstønad"));
        assert!(!applies("Svar på søknad om hjemmehjelp"));
        assert!(!applies(""));
    }

    #[test]
    fn a_statement_for_someone_elses_application_supports_it() {
        let supports = |t: &str| TypeShape::SupportsApplication.holds(&fold(t), "");
        assert!(supports("Jeg støtter søknaden hennes om praktisk bistand."));
        assert!(supports("Eg stør fullt ut søknaden om sjukeheimsplass."));
        assert!(supports("Vi tilrår at han får langtidsplass snarast."));
        assert!(supports("Jeg anbefaler sterkt at søknaden innvilges."));
        assert!(!supports(
            "Jeg søker om praktisk bistand og trenger støtte."
        ));
        assert!(!supports(
            "Vi anbefaler at pårørende tar kontakt med fastlegen."
        ));
    }
}
