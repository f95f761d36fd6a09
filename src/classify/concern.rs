//! The shape of a worried third party's letter: someone writes about a
//! person close to them — "broren min", "sonen min", "naboen", "han som
//! bur under oss" — and asks that someone look in on them ("kan nokon ta
//! kontakt med han", "eg er redd for han", "vet ikke hvem jeg skal skrive
//! til"). Such letters rarely name a service; what the person struggles
//! with is told in everyday words ("har drukke nesten kvar dag", "pillebrett
//! og sprøyter", "ikke orker mer"). A `[[unit_rules]]` entry with
//! `when = "worried_third_party"` holds those words and fires only in a
//! letter of this shape, where they mean the writer's concern for someone,
//! not a topic in passing (a course programme, an application's history).
//!
//! Works on folded text (`normalize::fold`); pure.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

/// When a unit rule may fire beyond its phrases matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitRuleWhen {
    /// Only in a worried third party's letter (see the module comment).
    WorriedThirdParty,
}

/// A person close to the writer, named by the relation: "broren min", "mi
/// mor", "naboen", "han som bur i kjellaren". Bokmål and nynorsk, folded.
static CLOSE_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:sonen|sonnen|dottera|datteren|dattera|broren|bror|brodern|systera|sostera|syster|soster",
        r"|faren|far|moren|mora|mor|mamma|pappa|venninna|venninnen|venninne|vennen|venn|kompisen",
        r"|kjaeresten|samboeren|sambuaren|mannen|kona|barnebarnet|nevoen|onkelen|tanta)\s+(?:min|mi|mitt|var)\b",
        r"|\b(?:min|mi)\s+(?:sonn|son|dotter|datter|bror|soster|syster|far|mor|venn|venninne|kjaereste|samboer|mann|kone)\b",
        r"|\bnabo(?:en|ane|ene)\b",
        r"|\b(?:han|hun|ho)\s+som\s+(?:bur|bor)\b",
        // "Jeg er storesøster til Lene": the relation said of oneself.
        r"|\b(?:jeg|eg)\s+er\s+\w*(?:soster|syster|bror|datter|dotter|sonn|son|mor|far|tante|onkel|venninne|venn|nabo|samboer|sambuar)\w*\s+til\b",
    ))
    .expect("static regex")
});

/// The writer's worry, or a plea that someone look in on the person. Fear
/// is worry for someone or of what may happen ("redd for han", "redd for
/// at …", "redd for kva ho gjer"), not of a thing ("redd for sprøyter", a
/// patient's own fear of injections).
static WORRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\bredde?\s+for\s+(?:han|ham|henne|ho|hen|dei|dem|de|at|kva|hva|korleis|hvordan|kor|hvor|livet|\w+\s+(?:min|mi|mitt|mine|var))\b",
        r"|\bbekymr|\buroa\b|\burolig|\buroleg",
        r"|\b(?:vet|veit)\s+(?:ikke|ikkje)\s+(?:hvem|kven|hvor|kvar|hva|kva|hvordan|korleis)\b",
        r"|\b(?:trenger|treng)\s+(?:noen|nokon)\b|\b(?:noen|nokon)\s+(?:kommer|kjem)\b",
        r"|\b(?:kan|kunne)\s+(?:noen|nokon)\b|\b(?:noen|nokon)\s+(?:ma|som\s+kan)\b",
        r"|\b(?:se|sja)\s+til\s+(?:han|ham|henne|ho)\b",
    ))
    .expect("static regex")
});

/// Whether the folded letter has the shape of a worried third party's.
pub fn worried_third_party(folded: &str) -> bool {
    CLOSE_PERSON.is_match(folded) && WORRY.is_match(folded)
}

#[cfg(test)]
mod tests {
    use super::super::fold;
    use super::*;

    #[test]
    fn a_relative_asking_someone_to_look_in_is_a_worried_third_party() {
        let yes = [
            "Broren min bor alene. Kan noen fra kommunen se til han i morgen?",
            "Sonen min er 30 år. Er det nokon som kan snakke med han? Kan nokon ringe?",
            "Æ vil si ifrå om han som bur under oss. Nokon må jo sjå til han.",
            "Far min bur åleine. Eg er redd for han.",
            "Mora mi har slutta å ete. Eg er redd for kva som skjer.",
            "Vi er redde for at sønnen vår ikke klarer seg.",
            "Jeg er storesøster til Lene. Hun trenger noen å snakke med.",
            "Dottera mi låser seg inne. Eg veit ikkje kva ho kan finne på.",
        ];
        for text in yes {
            assert!(worried_third_party(&fold(text)), "{text}");
        }
        // A person writing about themself, or an office about a client.
        let no = [
            "Jeg ønsker å avslutte oppfølgingen. Kan noen ringe meg?",
            "Vi viser til vedtak om praktisk bistand for bruker Ola Nordmann.",
            "Min sønn søker om avlastning fra 1. januar.",
            "Mannen min er borte to uker. Jeg er redd for sprøyte.",
        ];
        for text in no {
            assert!(!worried_third_party(&fold(text)), "{text}");
        }
    }
}
