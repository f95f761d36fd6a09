//! Naive Bayes over the words and word pairs (in at least two letters) of
//! the labelled tuning letters (`samples/letters`, every id outside the
//! held-out set, `is_held_out` in `tests/classify_support`; never the
//! held-out ones): the urgency table (`config/urgent_model.tsv`), over two
//! classes, `urgent` and `calm`. Weak urgency cues count in a letter it all
//! but certainly calls urgent (`[urgent] model_probability`).
//!
//! This file also owns what every model counts in a letter ([`features`],
//! [`ModelFeatures`]): binary presence of words, word pairs, nynorsk read
//! as bokmål (`nynorsk.rs`) and the subject line's words. The document type
//! has a linear model over the same features since session 16
//! (`linear.rs`); naive Bayes was the type model before it (round CV, the
//! model alone, 92.0 % against the linear model's 94.6 %).
//!
//! The table is retrained by `tests/classify_labelled.rs`, which fails when
//! the committed table is stale (`POSTMOTTAK_WRITE_MODEL=1` rewrites it).
//! Binary word presence per letter, Laplace smoothing `alpha`.
//!
//! **Invariant:** the tables hold word counts per class, never letter text
//! or a letter's identity; scoring cannot fail.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Classifier;

/// The embedded urgency table: the same model over two classes, `urgent`
/// and `calm` (the tuning letters' `urgent` label), trained the same way.
pub const DEFAULT_URGENT_MODEL_TSV: &str = include_str!("../../config/urgent_model.tsv");

/// The urgency model's classes.
pub const URGENT_CLASS: &str = "urgent";
pub const CALM_CLASS: &str = "calm";

/// A letter with fewer distinct known words than this is too short for the
/// model to say anything (an excerpt, a one-line note): rules alone decide.
const MIN_KNOWN_WORDS: usize = 20;

/// A word must occur in this many training letters to enter the table.
const MIN_LETTERS_PER_WORD: u32 = 2;

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
                _ => return None,
            }
        }
        Some(kind)
    }
}

/// Word counts per document type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeModel {
    alpha: f64,
    features: ModelFeatures,
    /// (type id, letters of that type)
    classes: Vec<(String, u32)>,
    /// word → letters of each class (index into `classes`) containing it.
    words: HashMap<String, Vec<u32>>,
    /// Per class: the sum of its words' counts.
    totals: Vec<f64>,
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
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_lowercase())
        .filter(|w| w.len() >= 2)
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
        out.extend(
            subject
                .split(|c: char| !c.is_ascii_lowercase())
                .filter(|w| w.len() >= 2)
                .map(|w| format!("s_{w}")),
        );
    }
    out
}

impl TypeModel {
    /// Trains on (folded text, folded subject line, type id).
    pub fn train<'a>(
        letters: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
        alpha: f64,
        kind: ModelFeatures,
    ) -> Self {
        let mut classes: Vec<(String, u32)> = Vec::new();
        let mut counts: BTreeMap<String, BTreeMap<usize, u32>> = BTreeMap::new();
        let mut labelled: Vec<(&'a str, &'a str, usize)> = Vec::new();
        for (folded, subject, label) in letters {
            let class = match classes.iter().position(|(c, _)| c == label) {
                Some(i) => i,
                None => {
                    classes.push((label.to_owned(), 0));
                    classes.len() - 1
                }
            };
            classes[class].1 += 1;
            labelled.push((folded, subject, class));
        }
        // Classes in a fixed order, so the table only changes with the letters.
        let mut order: Vec<usize> = (0..classes.len()).collect();
        order.sort_by(|a, b| classes[*a].0.cmp(&classes[*b].0));
        let rank: Vec<usize> = {
            let mut r = vec![0; classes.len()];
            for (new, old) in order.iter().enumerate() {
                r[*old] = new;
            }
            r
        };
        for (folded, subject, class) in labelled {
            for w in features(folded, subject, kind) {
                *counts.entry(w).or_default().entry(rank[class]).or_default() += 1;
            }
        }
        let classes: Vec<(String, u32)> = order.iter().map(|i| classes[*i].clone()).collect();
        // A word in one letter only (a name, a street) says nothing about
        // a type and would put the letters' particulars into the binary.
        let words = counts
            .into_iter()
            .filter(|(_, per)| per.values().sum::<u32>() >= MIN_LETTERS_PER_WORD)
            .map(|(w, per)| {
                let mut row = vec![0; classes.len()];
                for (c, n) in per {
                    row[c] = n;
                }
                (w, row)
            })
            .collect();
        Self::assemble(alpha, kind, classes, words)
    }

    fn assemble(
        alpha: f64,
        features: ModelFeatures,
        classes: Vec<(String, u32)>,
        words: HashMap<String, Vec<u32>>,
    ) -> Self {
        let mut totals = vec![0.0; classes.len()];
        for row in words.values() {
            for (t, n) in totals.iter_mut().zip(row) {
                *t += f64::from(*n);
            }
        }
        TypeModel {
            alpha,
            features,
            classes,
            words,
            totals,
        }
    }

    /// The table as committed in `config/type_model.tsv` (sorted, stable).
    pub fn to_tsv(&self) -> String {
        let mut out = String::from(
            "# Word counts per document type for the statistical model (src/classify/model.rs).\n\
             # Generated from samples/letters (tuning ids: all but the held-out 1400-1599) by tests/classify_labelled.rs;\n\
             # do not edit: run POSTMOTTAK_WRITE_MODEL=1 cargo test --test classify_labelled\n",
        );
        out.push_str(&format!("alpha\t{}\n", self.alpha));
        out.push_str(&format!("features\t{}\n", self.features.names().join(" ")));
        for (class, n) in &self.classes {
            out.push_str(&format!("class\t{class}\t{n}\n"));
        }
        let sorted: BTreeMap<&String, &Vec<u32>> = self.words.iter().collect();
        for (w, row) in sorted {
            let cells: Vec<String> = row.iter().map(u32::to_string).collect();
            out.push_str(&format!("word\t{w}\t{}\n", cells.join(" ")));
        }
        out
    }

    /// Reads a table written by [`Self::to_tsv`]; the error says which line.
    pub fn from_tsv(text: &str) -> Result<Self, String> {
        let mut alpha = None;
        let mut kind = ModelFeatures::default();
        let mut classes = Vec::new();
        let mut words = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let bad = || format!("linje {} i modelltabellen er ugyldig", n + 1);
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cells = line.split('\t');
            match (cells.next(), cells.next(), cells.next()) {
                (Some("alpha"), Some(a), None) => {
                    let a: f64 = a.parse().map_err(|_| bad())?;
                    if !(a > 0.0 && a.is_finite()) {
                        return Err(bad());
                    }
                    alpha = Some(a);
                }
                (Some("features"), Some(names), None) => {
                    kind = ModelFeatures::from_names(names).ok_or_else(bad)?;
                }
                (Some("class"), Some(id), Some(count)) if words.is_empty() => {
                    classes.push((id.to_owned(), count.parse().map_err(|_| bad())?));
                }
                (Some("word"), Some(w), Some(row)) => {
                    let row: Vec<u32> = row
                        .split(' ')
                        .map(str::parse)
                        .collect::<Result<_, _>>()
                        .map_err(|_| bad())?;
                    if row.len() != classes.len() {
                        return Err(bad());
                    }
                    words.insert(w.to_owned(), row);
                }
                _ => return Err(bad()),
            }
        }
        let alpha = alpha.ok_or("modelltabellen mangler alpha")?;
        if classes.is_empty() || classes.iter().all(|(_, n)| *n == 0) {
            return Err("modelltabellen har ingen dokumenttyper".into());
        }
        Ok(Self::assemble(alpha, kind, classes, words))
    }

    /// The type ids the model knows.
    pub fn classes(&self) -> impl Iterator<Item = &str> {
        self.classes.iter().map(|(c, _)| c.as_str())
    }

    /// Posterior probability per type for a folded letter, or `None` when
    /// the letter has too few words the model knows.
    pub fn posteriors(&self, folded: &str, subject: &str) -> Option<Vec<(&str, f64)>> {
        let known: Vec<&Vec<u32>> = features(folded, subject, self.features)
            .iter()
            .filter_map(|w| self.words.get(w))
            .collect();
        if known.len() < MIN_KNOWN_WORDS {
            return None;
        }
        let letters: f64 = self.classes.iter().map(|(_, n)| f64::from(*n)).sum();
        let vocabulary = self.words.len() as f64;
        let log: Vec<f64> = self
            .classes
            .iter()
            .enumerate()
            .map(|(c, (_, n))| {
                // An empty class cannot win (its prior is zero).
                let prior = (f64::from(*n) / letters).max(f64::MIN_POSITIVE).ln();
                let denominator = (self.totals[c] + self.alpha * vocabulary).ln();
                prior
                    + known
                        .iter()
                        .map(|row| (f64::from(row[c]) + self.alpha).ln() - denominator)
                        .sum::<f64>()
            })
            .collect();
        let max = log.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = log.iter().map(|l| (l - max).exp()).sum();
        Some(
            self.classes
                .iter()
                .zip(log)
                .map(|((c, _), l)| (c.as_str(), (l - max).exp() / z))
                .collect(),
        )
    }
}

impl TypeModel {
    /// The probability that a letter is urgent, for an urgency table
    /// (classes `urgent` and `calm`); `None` when the letter is too short.
    pub fn urgent_probability(&self, folded: &str, subject: &str) -> Option<f64> {
        self.posteriors(folded, subject)?
            .into_iter()
            .find(|(c, _)| *c == URGENT_CLASS)
            .map(|(_, p)| p)
    }
}

impl Classifier {
    /// The same rules with another urgency table (cross-validation
    /// retrains it per fold; without `model_probability` it stays unused).
    pub fn with_urgent_model(&self, model: TypeModel) -> Classifier {
        let mut classifier = self.clone();
        if classifier.rules.file.urgent.model_probability.is_some() {
            classifier.rules.urgent_model = Some(model);
        }
        classifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filler(n: usize) -> String {
        (0..n)
            .map(|i| format!("ord{}x", char::from(b'a' + (i % 26) as u8)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_shipped_table_reads_and_round_trips() {
        let model = TypeModel::from_tsv(DEFAULT_URGENT_MODEL_TSV).unwrap();
        assert!(model.classes().any(|c| c == URGENT_CLASS));
        assert_eq!(TypeModel::from_tsv(&model.to_tsv()).unwrap(), model);
    }

    #[test]
    fn words_of_a_type_pull_towards_it_and_short_texts_say_nothing() {
        let common = filler(30);
        let a = format!("{common} klage vedtaket uenig");
        let b = format!("{common} epikrise diagnose innlagt");
        let model = TypeModel::train(
            [
                (a.as_str(), "", "klage"),
                (a.as_str(), "", "klage"),
                (b.as_str(), "", "helse"),
                (b.as_str(), "", "helse"),
            ],
            0.1,
            ModelFeatures::default(),
        );
        let p = model
            .posteriors(&format!("{common} uenig vedtaket"), "")
            .unwrap();
        let best = p.iter().max_by(|x, y| x.1.total_cmp(&y.1)).unwrap();
        assert_eq!(best.0, "klage");
        assert!(model.posteriors("uenig vedtaket", "").is_none());
    }

    #[test]
    fn word_pairs_are_counted_and_kept_in_the_table() {
        let common = filler(30);
        let a = format!("{common} ber om ny vurdering");
        let model = TypeModel::train(
            [(a.as_str(), "", "klage"), (a.as_str(), "", "klage")],
            0.1,
            ModelFeatures {
                pairs: true,
                ..ModelFeatures::default()
            },
        );
        let tsv = model.to_tsv();
        assert!(tsv.contains("features\twords pairs\n"));
        assert!(tsv.contains("word\tny_vurdering\t"));
        assert_eq!(TypeModel::from_tsv(&tsv).unwrap(), model);
    }

    #[test]
    fn a_broken_table_is_refused_with_its_line() {
        let err = TypeModel::from_tsv("alpha\t0.1\nclass\tklage\t2\nword\tx\t1 2\n").unwrap_err();
        assert!(err.contains("linje 3"), "{err}");
        assert!(TypeModel::from_tsv("class\tklage\t2\n").is_err());
    }
}
