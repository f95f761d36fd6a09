//! k-fold cross-validation on the tuning letters: the statistical model is
//! retrained per fold on the other folds, so each letter is classified by a
//! model that never saw it. (The rules were written on all tuning letters;
//! the held-out letters are the honest measure of them.)

use postmottak::classify::{fold, Classifier, TypeModel};

use super::{evaluate_with, text_extraction, Letter, Report};

/// The smoothing the shipped table is trained with.
pub const ALPHA: f64 = 0.1;

/// The model the given letters train (their ground-truth text, folded).
pub fn train(letters: &[Letter]) -> TypeModel {
    let pairs: Vec<(String, String)> = letters
        .iter()
        .map(|l| {
            let folded = fold(&text_extraction(l).text());
            (folded, l.expected.document_type.clone())
        })
        .collect();
    TypeModel::train(pairs.iter().map(|(t, y)| (t.as_str(), y.as_str())), ALPHA)
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

/// One report per fold, each from a model trained on the other folds.
pub fn cross_validate(base: &Classifier, letters: &[Letter], k: usize) -> Vec<Report> {
    let fold_of = folds(letters, k);
    (0..k)
        .map(|f| {
            let (mut test, mut train_on) = (Vec::new(), Vec::new());
            for (letter, &of) in letters.iter().zip(&fold_of) {
                if of == f {
                    test.push(letter.clone());
                } else {
                    train_on.push(letter.clone());
                }
            }
            let classifier = base.with_type_model(train(&train_on));
            evaluate_with(&classifier, &test, |l| Some(text_extraction(l)))
        })
        .collect()
}

/// Per-fold type accuracy and misses, and the sum over all folds; returns
/// (right, abstained, wrong with confidence, letters).
pub fn print_folds(reports: &[Report]) -> (usize, usize, usize, usize) {
    let (mut ok, mut abstained, mut wrong, mut n) = (0, 0, 0, 0);
    for (f, r) in reports.iter().enumerate() {
        println!(
            "fold {f:>2}: type {:>3}/{:<3} {:5.1} %  «annet» on {}, wrong type on {}; urgent {}/{} (+{} false)",
            r.type_ok,
            r.letters,
            100.0 * r.type_ok as f64 / r.letters.max(1) as f64,
            r.type_abstained,
            r.type_wrong_confident,
            r.urgent_found,
            r.urgent_expected,
            r.urgent_false,
        );
        ok += r.type_ok;
        abstained += r.type_abstained;
        wrong += r.type_wrong_confident;
        n += r.letters;
    }
    println!(
        "all folds: type {ok}/{n} {:.1} %  «annet» on {abstained}, wrong type on {wrong}  (cost, a wrong type counting double: {})",
        100.0 * ok as f64 / n.max(1) as f64,
        abstained + 2 * wrong
    );
    (ok, abstained, wrong, n)
}
