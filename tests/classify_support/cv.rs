//! k-fold cross-validation on the tuning letters: the statistical model is
//! retrained per fold on the other folds, so each letter is classified by a
//! model that never saw it. Measures per fold: the whole classifier (rules +
//! that model) and the model alone (its best type, and how often it is right by how far
//! it leads). The rules were written on the other letters, so the whole
//! classifier's score flatters it; the model alone does not.

use std::collections::{BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex};

use postmottak::classify::{fold, subject_line, Classifier, LinearModel, ModelFeatures};
use postmottak::item::UnitId;

use super::{evaluate_with, input_for, number, text_extraction, Letter, Report};

/// How the shipped type table is trained: the linear model's
/// regularisation constant (`POSTMOTTAK_CV_MODELS` tries others).
pub const C: f64 = 3.0;

/// The urgency table's regularisation constant.
pub const URGENT_C: f64 = 3.0;
pub const FEATURES: ModelFeatures = ModelFeatures {
    pairs: true,
    nynorsk_as_bokmal: true,
    subject: true,
    unquoted: false,
    moments: false,
};

/// The type model the given letters train (their ground-truth text, folded).
pub fn train(letters: &[Letter], c: f64, features: ModelFeatures) -> LinearModel {
    train_on(letters, |l| &l.expected.document_type, c, features)
}

/// The urgency table counts the letter's moments too (`urgent::moments`):
/// the words beside a date within days of receipt.
pub const URGENT_FEATURES: ModelFeatures = ModelFeatures {
    moments: true,
    ..FEATURES
};

/// The urgency model the given letters train (`urgent` or `calm`), each
/// letter's moments as the classifier reads them.
pub fn train_urgent(letters: &[Letter]) -> LinearModel {
    let rows: Vec<(String, String, &str, BTreeSet<String>)> = letters
        .iter()
        .map(|l| {
            let label = if l.expected.urgent { "urgent" } else { "calm" };
            (folded(l), subject(l), label, moments(l))
        })
        .collect();
    LinearModel::train_with_moments(
        rows.iter()
            .map(|(t, s, y, m)| (t.as_str(), s.as_str(), *y, m)),
        URGENT_C,
        URGENT_FEATURES,
    )
}

/// A letter's moments (by its ground-truth text, the classifier's dates),
/// counted once per letter for all the folds.
fn moments(letter: &Letter) -> BTreeSet<String> {
    static BASE: LazyLock<Classifier> = LazyLock::new(super::classifier);
    static COUNTED: LazyLock<Mutex<HashMap<String, BTreeSet<String>>>> =
        LazyLock::new(Mutex::default);
    if let Some(m) = COUNTED.lock().expect("moments").get(&letter.id) {
        return m.clone();
    }
    let extraction = text_extraction(letter);
    let folder_unit = UnitId::new(&letter.folder).ok();
    let m = BASE.urgency_moments(&input_for(letter, &extraction, &folder_unit));
    COUNTED
        .lock()
        .expect("moments")
        .insert(letter.id.clone(), m.clone());
    m
}

/// The unit table's regularisation constant.
pub const UNIT_C: f64 = 3.0;

/// The unit model the given letters train (their `unit` label). Scans
/// count too: trained on digital post alone, round CV read 5 digital
/// letters' unit fewer (session 17).
pub fn train_unit(letters: &[Letter]) -> LinearModel {
    train_on(letters, |l| &l.expected.unit, UNIT_C, FEATURES)
}

fn train_on(
    letters: &[Letter],
    class: impl Fn(&Letter) -> &str,
    c: f64,
    features: ModelFeatures,
) -> LinearModel {
    let rows: Vec<(String, String, &str)> = letters
        .iter()
        .map(|l| (folded(l), subject(l), class(l)))
        .collect();
    LinearModel::train(
        rows.iter().map(|(t, s, y)| (t.as_str(), s.as_str(), *y)),
        c,
        features,
    )
}

fn folded(letter: &Letter) -> String {
    fold(&text_extraction(letter).text())
}

/// The folded subject line, as the classifier finds it.
fn subject(letter: &Letter) -> String {
    subject_line(&text_extraction(letter).text())
        .map(|s| fold(&s))
        .unwrap_or_default()
}

/// Fold of each letter: stratified by expected type (sorted by type, then
/// id, dealt round), so every fold sees every type.
pub fn folds(letters: &[Letter], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..letters.len()).collect();
    order.sort_by(|&a, &b| {
        let (la, lb) = (&letters[a], &letters[b]);
        (&la.expected.document_type, &la.id).cmp(&(&lb.expected.document_type, &lb.id))
    });
    let mut fold_of = vec![0; letters.len()];
    for (pos, i) in order.into_iter().enumerate() {
        fold_of[i] = pos % k;
    }
    fold_of
}

/// Fold of each letter by the round it was written in: a model tested on
/// one writer's batch never saw that writer's other letters, as with a
/// fresh held-out batch. Random folds let the model learn a batch's house
/// style from its siblings, which flatters it.
pub fn batch_folds(letters: &[Letter]) -> Vec<usize> {
    letters
        .iter()
        .map(|l| super::batches::round(number(l).unwrap_or(0)))
        .collect()
}

/// One fold's outcome.
pub struct Fold {
    /// The whole classifier on the fold's letters.
    pub report: Report,
    /// The model alone: letters it spoke on, and right among them.
    pub model_spoke: usize,
    pub model_ok: usize,
    /// The model alone per letter it spoke on: its best type's margin
    /// over the runner-up's, and whether that type was right.
    pub model_leads: Vec<(f64, bool)>,
}

/// One outcome per fold, each from a model trained on the other folds.
pub fn cross_validate(
    base: &Classifier,
    letters: &[Letter],
    fold_of: &[usize],
    c: f64,
    features: ModelFeatures,
) -> Vec<Fold> {
    let k = fold_of.iter().max().map_or(0, |m| m + 1);
    // Two folds at a time, as the machine has two cores.
    let one = |f: usize| {
        let (mut test, mut train_on) = (Vec::new(), Vec::new());
        for (letter, &of) in letters.iter().zip(fold_of) {
            if of == f {
                test.push(letter.clone());
            } else {
                train_on.push(letter.clone());
            }
        }
        let model = train(&train_on, c, features);
        let (mut model_spoke, mut model_ok) = (0, 0);
        let mut model_leads = Vec::new();
        for letter in &test {
            let letter_folded = postmottak::classify::Folded::new(folded(letter), subject(letter));
            let Some(mut p) = model.scores(&letter_folded) else {
                continue;
            };
            model_spoke += 1;
            p.sort_by(|a, b| b.1.total_cmp(&a.1));
            let right = p[0].0 == letter.expected.document_type;
            model_ok += usize::from(right);
            let lead = p[0].1 - p[1].1;
            model_leads.push((lead, right));
        }
        let classifier = base
            .with_type_model(model)
            .with_urgent_model(train_urgent(&train_on))
            .with_unit_model(train_unit(&train_on));
        let report = evaluate_with(&classifier, &test, |l| Some(text_extraction(l)));
        Fold {
            report,
            model_spoke,
            model_ok,
            model_leads,
        }
    };
    let mut folds = Vec::with_capacity(k);
    for pair in (0..k).collect::<Vec<_>>().chunks(2) {
        std::thread::scope(|s| {
            let running: Vec<_> = pair.iter().map(|&f| s.spawn(move || one(f))).collect();
            folds.extend(running.into_iter().map(|h| h.join().expect("a fold")));
        });
    }
    folds
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b.max(1) as f64
}

/// The whole classifier over all folds.
pub struct Totals {
    pub type_ok: usize,
    pub type_wrong: usize,
    pub letters: usize,
    pub urgent_found: usize,
    pub urgent_expected: usize,
    pub urgent_false: usize,
    pub unit_ok: usize,
}

/// Per-fold accuracy and the sums.
pub fn print_folds(folds: &[Fold]) -> Totals {
    let (mut ok, mut abstained, mut wrong, mut n) = (0, 0, 0, 0);
    let (mut spoke, mut model_ok) = (0, 0);
    let (mut unit_ok, mut date_ok, mut urgent) = (0, 0, (0, 0, 0));
    let mut digital_unit = (0, 0);
    for (f, fold) in folds.iter().enumerate() {
        let r = &fold.report;
        println!(
            "fold {f:>2}: type {:>3}/{:<3} {:5.1} %  («annet» {}, wrong type {}); model alone {}/{}; urgent {}/{} (+{} false)",
            r.type_ok,
            r.letters,
            pct(r.type_ok, r.letters),
            r.type_abstained,
            r.type_wrong_confident,
            fold.model_ok,
            fold.model_spoke,
            r.urgent_found,
            r.urgent_expected,
            r.urgent_false,
        );
        // Tuning letters only: their misses may be read.
        if std::env::var_os("POSTMOTTAK_CV_MISSES").is_some() {
            for m in r.misses.iter().filter(|m| !m.contains(": title:")) {
                println!("    miss {m}");
            }
        }
        ok += r.type_ok;
        unit_ok += r.unit_ok;
        digital_unit.0 += r.digital_unit_ok;
        digital_unit.1 += r.digital;
        date_ok += r.date_ok;
        urgent.0 += r.urgent_found;
        urgent.1 += r.urgent_expected;
        urgent.2 += r.urgent_false;
        abstained += r.type_abstained;
        wrong += r.type_wrong_confident;
        n += r.letters;
        spoke += fold.model_spoke;
        model_ok += fold.model_ok;
    }
    println!(
        "all folds: type {ok}/{n} {:.1} %  «annet» on {abstained}, wrong type on {wrong}  (cost, a wrong type counting double: {})",
        pct(ok, n),
        abstained + 2 * wrong
    );
    println!(
        "  unit {unit_ok}/{n} {:.1} % (digital post {}/{}), document date {date_ok}/{n} {:.1} %, urgent {}/{} (+{} false)",
        pct(unit_ok, n),
        digital_unit.0,
        digital_unit.1,
        pct(date_ok, n),
        urgent.0,
        urgent.1,
        urgent.2
    );
    println!(
        "  model alone: {model_ok}/{spoke} {:.1} % of the letters it spoke on",
        pct(model_ok, spoke)
    );
    // How often the model alone is right by how far it leads: where it is
    // right less than half the time, «annet» costs less than its guess.
    let leads: Vec<(f64, bool)> = folds.iter().flat_map(|f| f.model_leads.clone()).collect();
    let edges = [0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, f64::INFINITY];
    let buckets: Vec<String> = edges
        .windows(2)
        .map(|w| {
            let inside: Vec<bool> = leads
                .iter()
                .filter(|(l, _)| *l >= w[0] && *l < w[1])
                .map(|x| x.1)
                .collect();
            let right = inside.iter().filter(|r| **r).count();
            format!("[{},{}) {right}/{}", w[0], w[1], inside.len())
        })
        .collect();
    println!("  model alone by margin lead: {}", buckets.join("  "));
    Totals {
        type_ok: ok,
        type_wrong: wrong,
        letters: n,
        urgent_found: urgent.0,
        urgent_expected: urgent.1,
        urgent_false: urgent.2,
        unit_ok,
    }
}
