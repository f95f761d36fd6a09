//! What the models (`linear.rs`: the document type, urgency) count in a
//! letter: binary presence of its words, and as options recorded in each
//! table, word pairs, nynorsk words read as their bokmål forms
//! (`nynorsk.rs`) and the subject line's words as features of their own.
//! Word pairs and nynorsk-as-bokmål made the classifier better in
//! cross-validation once there were 600 tuning letters (type 562 → 570);
//! leaving reply quotes out (`unquoted`) was no better and stays an option.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeSet;

/// A letter's folded text and folded subject line, as the rules and the
/// models read them, with the models' features counted once: the type,
/// unit and urgency tables count the same kind, and counting every word
/// and word pair of a long letter into a set of strings was done three
/// times per letter.
#[derive(Debug)]
pub struct Folded {
    /// The OCR-tolerant folded text (`normalize::fold`).
    pub text: String,
    /// The folded subject line; empty without one.
    pub subject: String,
    counted: OnceCell<(ModelFeatures, BTreeSet<String>)>,
}

impl Folded {
    pub fn new(text: String, subject: String) -> Folded {
        Folded {
            text,
            subject,
            counted: OnceCell::new(),
        }
    }

    /// The features of `kind`: counted once for the first kind asked (every
    /// table ships the same), afresh for another.
    pub fn features(&self, kind: ModelFeatures) -> Cow<'_, BTreeSet<String>> {
        // Moments are the caller's to add: the words are counted alike.
        let kind = ModelFeatures {
            moments: false,
            ..kind
        };
        let (counted_kind, set) = self
            .counted
            .get_or_init(|| (kind, features(&self.text, &self.subject, kind)));
        if *counted_kind == kind {
            Cow::Borrowed(set)
        } else {
            Cow::Owned(features(&self.text, &self.subject, kind))
        }
    }
}

/// What the model counts in a letter: its words, and (when `pairs`) each
/// two neighbouring words as one more feature ("ber_om", "uenig_vedtaket").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelFeatures {
    pub pairs: bool,
    /// Nynorsk words counted as their bokmål forms (`nynorsk.rs`).
    pub nynorsk_as_bokmal: bool,
    /// The subject line's words counted once more, as features of their
    /// own ("s_klage"): where a letter says what it is.
    pub subject: bool,
    /// Quoted lines ("> …" in a reply) left out: an earlier letter's words.
    pub unquoted: bool,
    /// The letter's moments (`urgent::moments`) counted as well: the words
    /// beside a date within days of receipt, and whether a date lies
    /// weeks ahead. Only the urgency table counts them; they need the
    /// letter's dates, which the words alone do not give.
    pub moments: bool,
}

impl ModelFeatures {
    /// The kinds counted, as a table's `features` line names them.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = vec!["words"];
        for (on, name) in [
            (self.pairs, "pairs"),
            (self.nynorsk_as_bokmal, "nynorsk-as-bokmal"),
            (self.subject, "subject"),
            (self.unquoted, "unquoted"),
            (self.moments, "moments"),
        ] {
            if on {
                names.push(name);
            }
        }
        names
    }

    /// Reads a `features` line's names; `None` for an unknown one.
    pub fn from_names(names: &str) -> Option<Self> {
        let mut kind = ModelFeatures::default();
        for name in names.split(' ') {
            match name {
                "words" => {}
                "pairs" => kind.pairs = true,
                "nynorsk-as-bokmal" => kind.nynorsk_as_bokmal = true,
                "subject" => kind.subject = true,
                "unquoted" => kind.unquoted = true,
                "moments" => kind.moments = true,
                _ => return None,
            }
        }
        Some(kind)
    }
}

/// The distinct features of a folded text: words (letters only, two or
/// more), and word pairs when asked.
pub fn features(folded: &str, subject: &str, features: ModelFeatures) -> BTreeSet<String> {
    let own: String;
    let folded = if features.unquoted {
        own = folded
            .lines()
            .filter(|l| !l.trim_start().starts_with('>'))
            .collect::<Vec<_>>()
            .join("\n");
        own.as_str()
    } else {
        folded
    };
    let words: Vec<&str> = model_words(folded)
        .map(|w| {
            if features.nynorsk_as_bokmal {
                super::nynorsk::to_bokmal(w)
            } else {
                w
            }
        })
        .collect();
    let mut out: BTreeSet<String> = words.iter().map(|w| (*w).to_owned()).collect();
    if features.pairs {
        out.extend(words.windows(2).map(|p| format!("{}_{}", p[0], p[1])));
    }
    if features.subject {
        out.extend(model_words(subject).map(|w| format!("s_{w}")));
    }
    out
}

/// The words a model counts in folded text: runs of letters, two or more.
pub(super) fn model_words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_lowercase())
        .filter(|w| w.len() >= 2)
}
