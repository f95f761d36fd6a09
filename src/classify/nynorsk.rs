//! Nynorsk word forms to their bokmål counterparts, for the statistical
//! models (`linear.rs`): both written standards arrive, and a type learnt
//! mostly from bokmål letters should still know "ikkje" as "ikke". Folded
//! forms (`normalize::fold`: lowercase, ø → o, æ → ae, å → a). The rules
//! name both forms themselves; this is only the model's vocabulary.

/// (nynorsk, bokmål), folded, sorted by the nynorsk form.
const FORMS: &[(&str, &str)] = &[
    ("avgjerd", "avgjorelse"),
    ("avgjerda", "avgjorelsen"),
    ("berre", "bare"),
    ("budde", "bodde"),
    ("bur", "bor"),
    ("bustad", "bolig"),
    ("bustaden", "boligen"),
    ("dagar", "dager"),
    ("difor", "derfor"),
    ("dotter", "datter"),
    ("dykk", "dere"),
    ("dykkar", "deres"),
    ("eg", "jeg"),
    ("ein", "en"),
    ("einig", "enig"),
    ("eit", "et"),
    ("fekk", "fikk"),
    ("fleire", "flere"),
    ("gjekk", "gikk"),
    ("heile", "hele"),
    ("heilt", "helt"),
    ("heime", "hjemme"),
    ("heimesjukepleia", "hjemmesykepleien"),
    ("heimesjukepleie", "hjemmesykepleie"),
    ("heimetenesta", "hjemmetjenesten"),
    ("heimetenester", "hjemmetjenester"),
    ("helsing", "hilsen"),
    ("hjelpa", "hjelpen"),
    ("ho", "hun"),
    ("ikkje", "ikke"),
    ("kome", "komme"),
    ("korleis", "hvordan"),
    ("kva", "hva"),
    ("kvar", "hver"),
    ("kven", "hvem"),
    ("kvifor", "hvorfor"),
    ("meir", "mer"),
    ("mi", "min"),
    ("mykje", "mye"),
    ("nogd", "fornoyd"),
    ("noko", "noe"),
    ("nokon", "noen"),
    ("omsorgsbustad", "omsorgsbolig"),
    ("onskjer", "onsker"),
    ("opplysningar", "opplysninger"),
    ("saka", "saken"),
    ("saman", "sammen"),
    ("seier", "sier"),
    ("sjolv", "selv"),
    ("sjuk", "syk"),
    ("sjukeheim", "sykehjem"),
    ("sjukeheimen", "sykehjemmet"),
    ("sjukehus", "sykehus"),
    ("sjukehuset", "sykehuset"),
    ("sokje", "soke"),
    ("sokjer", "soker"),
    ("son", "sonn"),
    ("sonen", "sonnen"),
    ("syster", "soster"),
    ("tek", "tar"),
    ("tenesta", "tjenesten"),
    ("teneste", "tjeneste"),
    ("tenester", "tjenester"),
    ("treng", "trenger"),
    ("tryggleiksalarm", "trygghetsalarm"),
    ("ueinig", "uenig"),
    ("vart", "ble"),
    ("veka", "uka"),
    ("veke", "uke"),
    ("venleg", "vennlig"),
    ("vere", "vaere"),
    ("vert", "blir"),
];

/// The bokmål form of a folded nynorsk word; other words as they are.
pub fn to_bokmal(word: &str) -> &str {
    FORMS
        .binary_search_by(|(nn, _)| (*nn).cmp(word))
        .map_or(word, |i| FORMS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_maps_only_its_words() {
        assert!(FORMS.windows(2).all(|w| w[0].0 < w[1].0), "sort FORMS");
        assert_eq!(to_bokmal("ikkje"), "ikke");
        assert_eq!(to_bokmal("sjukeheimen"), "sykehjemmet");
        assert_eq!(to_bokmal("klage"), "klage");
    }
}
