//! The labelled letter set (`samples/letters/*.toml`) through the classifier,
//! with the accuracy the issues demand: document type ≥ 95 %, unit ≥ 95 %,
//! person-ID recall 100 % with zero false positives, urgent recall 100 %,
//! document date ≥ 95 %; and the sender as the issue means it (a known
//! organisation or an organisation number; none for a private person).
//! Prints a confusion matrix and every miss (the held-out letters 7000–7199:
//! only their summary, never letter by letter).
//!
//! `ground_truth_text` feeds each letter's own text (fast, no rendering);
//! `through_the_extractor` (in `classify_pipeline.rs`) reads the rendered
//! files with the real extractor.

mod classify_support;
mod common;

use classify_support::{
    classifier, cv, evaluate, is_held_out, is_tuning, load_letters, repo, text_extraction, Letter,
    Report,
};

fn id_below(letter: &Letter, n: u32) -> bool {
    classify_support::number(letter).is_some_and(|id| id < n)
}

#[test]
fn ground_truth_text() {
    let letters = load_letters();
    assert!(
        letters.len() >= 60,
        "the labelled set has {} letters; at least 60 expected",
        letters.len()
    );
    // The held-out letters are scored by their own tests alone
    // (`held_out_targets`, `held_out_level_reached`): a suite run never
    // shows their scores, so they are seen once, at their check.
    let tuned: Vec<Letter> = letters.into_iter().filter(|l| !is_held_out(l)).collect();
    let report = evaluate(&tuned, |letter| Some(text_extraction(letter)));
    report.print("ground-truth text, letters the rules are tuned on (all but 7000-7199)");
    for (title, part) in formerly_held_out_parts(&tuned) {
        evaluate(&part, |letter| Some(text_extraction(letter)))
            .print_summary(&format!("ground-truth text, {title}"));
    }
    let batch_e = classify_support::numbered(&tuned, 700..880);
    evaluate(&batch_e, |letter| Some(text_extraction(letter)))
        .print("ground-truth text, tuning batch E 700-879");

    // The set the rules were built on (000–199) keeps the targets.
    let established: Vec<Letter> = tuned.into_iter().filter(|l| id_below(l, 200)).collect();
    let established = evaluate(&established, |letter| Some(text_extraction(letter)));
    established.assert_targets();
    // Every organisation named there is found, and no private person's
    // letter is given one (the level reached; keep it).
    assert_eq!(
        established.sender_ok, established.sender_total,
        "sender agreement below 100 %"
    );
    assert_eq!(established.sender_false, 0, "sender false positives");
    // The received stamp's date from the text is never invented, and found
    // wherever a tuning letter is stamped (text layer and ground truth) but
    // on four of Q's: stamps without a stamp word ("VOSS HERAD /
    // 01.12.2026"), which the text cannot tell from a letterhead with its
    // date (Q's level at its check, 92/96, session 16), R's one and S's ten
    // (S's level at its check, 87/97, session 18). (P's, at its check
    // 88/88, O's 88/88, N's 91/91 with one invented on an SMS transcript's
    // header, fixed since, M's 92/92, L's 94/94, K's 98/104, J's 94/104,
    // and I's 91/95, are all read.) T's two (81/83 at its check, session 19),
    // U's three (110/113 at its check, session 20), V's one (86/87 at its
    // check, session 21), W's three (106/109 at its check, session 22),
    // X's four (107/111 at its check, session 23), Y's two (106/108 at
    // its check, session 24), Z's four (98/102 at its check, session 25),
    // AA's three (107/110 at its check, session 26), AB's two (102/104
    // at its check, session 27), AC's four (105/109 at its check,
    // session 28), AD's none (113/113 at its check, session 29), AE's
    // none (116/116 at its check, session 30), AF's none (111/111 at its
    // check, session 31), AG's none (107/107 at its check, session 32),
    // AH's one (102/103 at its check, session 33), AI's none (103/103
    // at its check, session 34) and AJ's one (103/104 at its check,
    // session 35) are allowed too.
    assert_eq!(report.stamp_invented, 0, "stamp date invented");
    report.assert_stamp_level(
        "tuning letters from the text",
        45,
        "Q's four wordless stamps, R's one, S's ten (87/97 at its check), T's two (81/83), U's three (110/113), V's one (86/87), W's three (106/109), X's four (107/111), Y's two (106/108), Z's four (98/102), AA's three (107/110), AB's two (102/104), AC's four (105/109), AD's none (113/113), AE's none (116/116), AF's none (111/111), AG's none (107/107), AH's one (102/103), AI's none (103/103) and AJ's one (103/104)",
    );
}

/// Fresh AK's stamps from the text at its one check (session 36): the
/// dates it may miss and the level measured (112/112, none invented; AJ
/// read 103/104, AI 103/103, AH 102/103, AG 107/107, AF 111/111).
const HELD_OUT_TEXT_STAMP_MISS: usize = 0;
const HELD_OUT_TEXT_STAMP_LEVEL: &str = "112/112";

/// The parts held out before, each reported on its own: 300–399 (scores
/// seen while the classifier changed), 460–499 (checked twice), 500–539 and
/// fresh D, 540–689, fresh F, 890–994 (each checked once), fresh G,
/// 1000–1149 (checked twice), fresh H, 1200–1399, fresh I, 1400–1599,
/// fresh J, 1600–1799, fresh K, 1800–1999, fresh L, 2000–2199, fresh M,
/// 2200–2399, fresh N, 2400–2599, fresh O, 2600–2799, fresh P, 2800–2999,
/// fresh Q, 3000–3199, fresh R, 3200–3399, fresh S, 3400–3599, fresh T,
/// 3600–3799, fresh U, 3800–3999, fresh V, 4000–4199, fresh W,
/// 4200–4399, fresh X, 4400–4599, fresh Y, 4600–4799, fresh Z,
/// 4800–4999, fresh AA, 5000–5199, fresh AB, 5200–5399, fresh AC,
/// 5400–5599, fresh AD, 5600–5799, fresh AE, 5800–5999, fresh AF,
/// 6000–6199, fresh AG, 6200–6399, fresh AH, 6400–6599, fresh AI,
/// 6600–6799, and fresh AJ, 6800–6999 (each checked once).
/// Tuning letters since: their level is kept below.
fn formerly_held_out_parts(letters: &[Letter]) -> [(&'static str, Vec<Letter>); 35] {
    let part = |range| classify_support::numbered(letters, range);
    [
        ("formerly held out 300-399", part(300..400)),
        ("formerly held out 460-499", part(460..500)),
        ("formerly held out 500-539", part(500..540)),
        ("formerly held out 540-689 (fresh D)", part(540..690)),
        ("formerly held out 890-994 (fresh F)", part(890..1000)),
        ("formerly held out 1000-1149 (fresh G)", part(1000..1200)),
        ("formerly held out 1200-1399 (fresh H)", part(1200..1400)),
        ("formerly held out 1400-1599 (fresh I)", part(1400..1600)),
        ("formerly held out 1600-1799 (fresh J)", part(1600..1800)),
        ("formerly held out 1800-1999 (fresh K)", part(1800..2000)),
        ("formerly held out 2000-2199 (fresh L)", part(2000..2200)),
        ("formerly held out 2200-2399 (fresh M)", part(2200..2400)),
        ("formerly held out 2400-2599 (fresh N)", part(2400..2600)),
        ("formerly held out 2600-2799 (fresh O)", part(2600..2800)),
        ("formerly held out 2800-2999 (fresh P)", part(2800..3000)),
        ("formerly held out 3000-3199 (fresh Q)", part(3000..3200)),
        ("formerly held out 3200-3399 (fresh R)", part(3200..3400)),
        ("formerly held out 3400-3599 (fresh S)", part(3400..3600)),
        ("formerly held out 3600-3799 (fresh T)", part(3600..3800)),
        ("formerly held out 3800-3999 (fresh U)", part(3800..4000)),
        ("formerly held out 4000-4199 (fresh V)", part(4000..4200)),
        ("formerly held out 4200-4399 (fresh W)", part(4200..4400)),
        ("formerly held out 4400-4599 (fresh X)", part(4400..4600)),
        ("formerly held out 4600-4799 (fresh Y)", part(4600..4800)),
        ("formerly held out 4800-4999 (fresh Z)", part(4800..5000)),
        ("formerly held out 5000-5199 (fresh AA)", part(5000..5200)),
        ("formerly held out 5200-5399 (fresh AB)", part(5200..5400)),
        ("formerly held out 5400-5599 (fresh AC)", part(5400..5600)),
        ("formerly held out 5600-5799 (fresh AD)", part(5600..5800)),
        ("formerly held out 5800-5999 (fresh AE)", part(5800..6000)),
        ("formerly held out 6000-6199 (fresh AF)", part(6000..6200)),
        ("formerly held out 6200-6399 (fresh AG)", part(6200..6400)),
        ("formerly held out 6400-6599 (fresh AH)", part(6400..6600)),
        ("formerly held out 6600-6799 (fresh AI)", part(6600..6800)),
        ("formerly held out 6800-6999 (fresh AJ)", part(6800..7000)),
    ]
}

/// The targets on the held-out letters (7000–7199), which the rules
/// and the model were never tuned or trained on; in the suite while the
/// held-out batch meets them, else `#[ignore]`d with the reason.
/// Fresh Z met them all at its one check (session 25, on the text); fresh
/// AA, at its one check (session 26), met all but urgent recall; fresh AB
/// met them all at its one check (session 27, on the text: type 197/200,
/// unit 197/200, date 198/200, person IDs 198/198 with none false, urgent
/// 35/35); fresh AC, at its one check (session 28), met all but urgent
/// recall (36/37), and so did fresh AD (session 29, urgent 37/44), fresh
/// AE (session 30, urgent 40/44) and fresh AF (session 31, urgent 39/40).
/// Fresh AG met them all at its one check (session 32, on the text: type
/// 196/200, unit 196/200, date 194/200, person IDs 179/179 with none
/// false, urgent 44/44 with 12 false alarms), and the suite asserted
/// them; fresh AH, at its one check (session 33), met all but urgent
/// recall (41/44), so they are asserted again only with `--ignored`;
/// fresh AI, at its one check (session 34), met all but urgent recall
/// (42/43; type 199/200, unit 197/200, date 199/200, person IDs 185/185
/// with none false, 10 false alarms). Fresh AJ met them all at its one
/// check (session 35, on the text: type 196/200, unit 194/200, date
/// 197/200, person IDs 181/181 with none false, urgent 41/41 with 10
/// false alarms), so the suite asserts them again. Fresh AK met them all
/// at its one check too (session 36, on the text: type 197/200, unit
/// 190/200, date 199/200, person IDs 179/179 with none false, urgent
/// 41/41 with 4 false alarms).
/// Only the summary is printed, and only with `--nocapture`.
#[test]
fn held_out_targets() {
    let held_out: Vec<Letter> = load_letters().into_iter().filter(is_held_out).collect();
    let unseen = evaluate(&held_out, |letter| Some(text_extraction(letter)));
    unseen.print_summary("ground-truth text, HELD-OUT letters 7000-7199 (fresh AK)");
    unseen.assert_targets();
}

/// The level fresh held-out AK reached at its one check (session 36, with
/// this session's classifier, its tables retrained on AJ's letters): type
/// 197/200, unit 190/200, date 199/200, person IDs 179/179 with none
/// false, urgent 41/41 with 4 false alarms. AJ's, at its check (session
/// 35): type 196/200, unit 194/200, date 197/200, person IDs 181/181 with
/// none false, urgent 41/41 with 10 false alarms. (AI's, session 34: 199,
/// 197, 199, 185/185, urgent 42/43 with 10.)
/// Kept beside the targets: a change that loses ground on unseen letters
/// fails here, even where the targets still hold.
#[test]
fn held_out_level_reached() {
    let held_out: Vec<Letter> = load_letters().into_iter().filter(is_held_out).collect();
    assert!(held_out.len() >= 200, "{} held-out letters", held_out.len());
    let r = assert_level("HELD-OUT 7000-7199", &held_out, (98, 95, 99, 0, 4, 0));
    assert_eq!(r.stamp_invented, 0, "held-out: stamp date invented");
    r.assert_stamp_level(
        "held-out AK from the text",
        HELD_OUT_TEXT_STAMP_MISS,
        HELD_OUT_TEXT_STAMP_LEVEL,
    );
}

/// (type %, unit %, date %, urgent letters missed, urgent false alarms,
/// person IDs missed)
type Level = (usize, usize, usize, usize, usize, usize);

fn assert_level(title: &str, part: &[Letter], level: Level) -> Report {
    let (type_pct, unit_pct, date_pct, urgent_missed, urgent_false, ids_missed) = level;
    let r = evaluate(part, |letter| Some(text_extraction(letter)));
    let n = r.letters;
    assert!(n >= 30, "{title}: {n} letters");
    assert!(
        r.type_ok * 100 >= n * type_pct,
        "{title}: document type {}/{n}",
        r.type_ok
    );
    assert!(
        r.unit_ok * 100 >= n * unit_pct,
        "{title}: unit {}/{n}",
        r.unit_ok
    );
    assert!(
        r.date_ok * 100 >= n * date_pct,
        "{title}: document date {}/{n}",
        r.date_ok
    );
    assert!(
        r.ids_found + ids_missed >= r.ids_expected,
        "{title}: person-ID recall {}/{}",
        r.ids_found,
        r.ids_expected
    );
    assert_eq!(r.ids_false, 0, "{title}: person-ID false positives");
    assert!(
        r.urgent_found + urgent_missed >= r.urgent_expected,
        "{title}: urgent recall {}/{}",
        r.urgent_found,
        r.urgent_expected
    );
    assert!(
        r.urgent_false <= urgent_false,
        "{title}: urgent false positives {}",
        r.urgent_false
    );
    r
}

/// The formerly held-out parts never fall below the level they had while
/// held out (session 4: 300–399 type 62/67, unit 65/67, date 67/67, urgent
/// 5/6 with one false alarm; 460–499 35/40, 37/40, 39/40, 3/4 with one;
/// 500–539 37/40, 36/40, 36/40, 3/5 with none; session 5, fresh D at its one
/// check: 137/150, 134/150, 144/150, 14/15 with eight; fresh F at its one
/// check: 97/105, 91/105, 102/105, 10/14 with three; session 6, fresh G at
/// its second check: 134/150, 141/150, 145/150, 13/14 with four; session
/// 7, fresh H at its one check: 137/150, 141/150, 147/150, 17/18 with four;
/// none of them missed a person ID).
#[test]
fn formerly_held_out_level_kept() {
    let letters = load_letters();
    let levels: [Level; 35] = [
        (92, 97, 100, 1, 1, 0),
        (87, 92, 97, 1, 1, 0),
        // One false alarm more in 500-539, G and H since session 13's
        // urgency model (a weak cue in a letter much like the urgent ones):
        // chosen by round CV, urgent recall 239 -> 245/252 for false alarms
        // 92 -> 103; each of these parts keeps every urgent letter.
        (92, 90, 90, 2, 1, 0),
        (91, 89, 96, 1, 8, 0),
        (92, 86, 97, 4, 3, 0),
        // G's unit: 141 at its check; 140 since the model trained on G
        // calls 1130 `annet` (right), whose default unit is the allocation
        // office, where its label says Omsorg.
        (89, 93, 96, 1, 5, 0),
        (91, 94, 98, 1, 5, 0),
        // I at its one check (session 9): 185/200, 190/200, 192/200,
        // 19/25 urgent with eight false alarms, person IDs 166/167 (the
        // one missed was a data fault in 1551, fixed since). One more false
        // alarm since session 10 (1594: a wife writes that her husband
        // calls himself a burden, a warning sign), for all six of I's
        // missed urgent letters found.
        (92, 95, 96, 6, 9, 0),
        // J at its one check (session 10): 174/200, 195/200, 188/200,
        // 22/25 urgent with 15 false alarms, person IDs 185/185. One more
        // false alarm since session 14's urgency table learnt N's letters.
        (87, 97, 94, 3, 16, 0),
        // K at its one check (session 11): 168/200, 191/200, 184/200,
        // 23/28 urgent with 18 false alarms, person IDs 178/178.
        (84, 95, 92, 5, 18, 0),
        // L at its one check (session 12): 176/200, 189/200, 191/200,
        // 23/29 urgent with 20 false alarms, person IDs 166/166. One more
        // false alarm since the case phrases were narrowed in review (a
        // treatment or payment in a need's sentence no longer silences it).
        (88, 94, 95, 6, 21, 0),
        // M at its one check (session 12): 186/200, 193/200, 197/200,
        // 24/28 urgent with 15 false alarms, person IDs 162/162.
        (93, 96, 98, 4, 15, 0),
        // N at its one check (session 13): 185/200, 196/200, 188/200,
        // 24/29 urgent with 7 false alarms, person IDs 180/180.
        (92, 98, 94, 5, 7, 0),
        // O at its one check (session 14): 180/200, 194/200, 196/200,
        // 23/28 urgent with 8 false alarms, person IDs 178/178.
        (90, 97, 98, 5, 8, 0),
        // P at its one check (session 15): 177/200, 191/200, 197/200,
        // 26/28 urgent with 15 false alarms, person IDs 190/190.
        (88, 95, 98, 2, 15, 0),
        // Q at its one check (session 16): 193/200, 184/200, 190/200,
        // 26/28 urgent with 12 false alarms, person IDs 207/207 (after
        // three letters' numbers were mended).
        (96, 92, 95, 2, 12, 0),
        // R at its one check (session 17): 192/200, 188/200, 187/200,
        // 26/28 urgent with 18 false alarms, person IDs 188/189 (the one
        // missed, in a form's boxes, is read since).
        (96, 94, 93, 2, 18, 0),
        // S at its one check (session 18): 187/200, 186/200, 195/200,
        // 29/31 urgent with 9 false alarms, person IDs 190/190 (after four
        // letters' numbers were mended).
        (93, 93, 97, 2, 9, 0),
        // T at its one check (session 19): 198/200, 186/200, 197/200,
        // 30/30 urgent with 13 false alarms, person IDs 199/199 (after one
        // letter's number was mended).
        (99, 93, 98, 0, 13, 0),
        // U at its one check (session 20): 194/200, 186/200, 195/200,
        // 34/34 urgent with 14 false alarms, person IDs 198/198 (after one
        // letter's number was mended).
        (97, 93, 97, 0, 14, 0),
        // V at its one check (session 21): 198/200, 194/200, 197/200,
        // 28/32 urgent with 11 false alarms, person IDs 188/188.
        (99, 97, 98, 4, 11, 0),
        // W at its one check (session 22): 190/200, 186/200, 198/200,
        // 35/39 urgent with 6 false alarms, person IDs 190/190.
        (95, 93, 99, 4, 6, 0),
        // X at its one check (session 23): 194/200, 194/200, 194/200,
        // 36/37 urgent with 7 false alarms, person IDs 194/194.
        (97, 97, 97, 1, 7, 0),
        // Y at its one check (session 24): 198/200, 199/200, 196/200,
        // 36/38 urgent with 4 false alarms, person IDs 208/208.
        (99, 99, 98, 2, 4, 0),
        // Z at its one check (session 25): 195/200, 196/200, 197/200,
        // 36/36 urgent with 7 false alarms, person IDs 202/202.
        (97, 98, 98, 0, 7, 0),
        // AA at its one check (session 26): 200/200, 197/200, 196/200,
        // 40/42 urgent with 6 false alarms, person IDs 194/194.
        (100, 98, 98, 2, 6, 0),
        // AB at its one check (session 27): 197/200, 197/200, 198/200,
        // 35/35 urgent with 7 false alarms, person IDs 198/198.
        (98, 98, 99, 0, 7, 0),
        // AC at its one check (session 28): 195/200, 197/200, 193/200,
        // 36/37 urgent with 8 false alarms, person IDs 204/204.
        (97, 98, 96, 1, 8, 0),
        // AD at its one check (session 29): 198/200, 194/200, 196/200,
        // 37/44 urgent with 9 false alarms, person IDs 180/180.
        (99, 97, 98, 7, 9, 0),
        // AE at its one check (session 30): 198/200, 196/200, 199/200,
        // 40/44 urgent with 5 false alarms, person IDs 179/179.
        (99, 98, 99, 4, 5, 0),
        // AF at its one check (session 31): 196/200, 192/200, 196/200,
        // 39/40 urgent with 4 false alarms, person IDs 179/179.
        (98, 96, 98, 1, 4, 0),
        // AG at its one check (session 32): 196/200, 196/200, 194/200,
        // 44/44 urgent with 12 false alarms, person IDs 179/179.
        (98, 98, 97, 0, 12, 0),
        // AH at its one check (session 33): 196/200, 195/200, 199/200,
        // 41/44 urgent with 7 false alarms, person IDs 184/184.
        (98, 97, 99, 3, 7, 0),
        // AI at its one check (session 34): 199/200, 197/200, 199/200,
        // 42/43 urgent with 10 false alarms, person IDs 185/185.
        (99, 98, 99, 1, 10, 0),
        // AJ at its one check (session 35): 196/200, 194/200, 197/200,
        // 41/41 urgent with 10 false alarms, person IDs 181/181.
        (98, 97, 98, 0, 10, 0),
    ];
    for ((title, part), level) in formerly_held_out_parts(&letters).into_iter().zip(levels) {
        assert_level(title, &part, level);
    }
}

/// The model tables (`config/type_model.tsv`, `urgent_model.tsv`,
/// `unit_model.tsv`) are what the tuning letters (all but the held-out
/// 7000–7199) train, each on its label (the type, `urgent`, the unit):
/// never the held-out letters. Stale after a letter changes;
/// `POSTMOTTAK_WRITE_MODEL=1` rewrites them.
#[test]
fn type_model_is_trained_on_the_tuning_letters_only() {
    let tuning = tuning_letters();
    table_is_current("type_model.tsv", cv::train(&tuning, cv::C, cv::FEATURES));
}

#[test]
fn urgent_model_is_trained_on_the_tuning_letters_only() {
    table_is_current("urgent_model.tsv", cv::train_urgent(&tuning_letters()));
}

#[test]
fn unit_model_is_trained_on_the_tuning_letters_only() {
    table_is_current("unit_model.tsv", cv::train_unit(&tuning_letters()));
}

fn tuning_letters() -> Vec<Letter> {
    load_letters().into_iter().filter(is_tuning).collect()
}

fn table_is_current(name: &str, trained: postmottak::classify::LinearModel) {
    let path = repo().join("config").join(name);
    let want = trained.to_tsv();
    if std::env::var_os("POSTMOTTAK_WRITE_MODEL").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == want,
        "config/{name} is stale: run POSTMOTTAK_WRITE_MODEL=1 cargo test --test classify_labelled model_is_trained"
    );
}

/// The document type on writers the model never saw: cross-validation by
/// writing round on the tuning letters, each round classified by a model
/// trained on the others. The tests above score letters the shipped model
/// was trained on, which a linear model fits almost perfectly, so this is
/// the type's and urgency's regression guard on the tuning letters (session
/// 16: type 2620/2755, 95.1 %, where naive Bayes with the same rules read
/// 2579, 93.6 %).
#[test]
fn type_unit_and_urgency_by_writing_round_stay_at_their_level() {
    let tuning: Vec<Letter> = load_letters().into_iter().filter(is_tuning).collect();
    let folds = cv::cross_validate(
        &classifier(),
        &tuning,
        &cv::batch_folds(&tuning),
        cv::C,
        cv::FEATURES,
    );
    let totals = cv::print_folds(&folds);
    let (ok, wrong, n) = (totals.type_ok, totals.type_wrong, totals.letters);
    assert_eq!(n, tuning.len());
    assert!(
        ok * 1000 >= n * 948,
        "document type by writing round {ok}/{n}, below 94.8 %"
    );
    assert!(
        wrong * 100 <= n * 4,
        "wrong types by writing round {wrong}/{n}"
    );
    // The unit (the unit table fits its own letters as closely): session
    // 17, 2840/2955 with the unit model, 2838 by the rules alone; session
    // 18, with R's letters, 3028/3155, and 3045 since a type's unit yields
    // where the unit table agrees; session 19, with S's letters (its unit
    // 93.0 % at its check), 3232/3355; session 20, with T's (93.0 % at its
    // check), 3418/3555, and 3431 since a change to a care allowance or BPA
    // is the allocation office's; session 21, with U's (93.0 % at its
    // check) and 17 scans relabelled to their folder's unit (samples/README,
    // "Labelling"), 3635/3755, and 3643 since the addressee is read as
    // users name the services; session 22, with V's (97.0 % at its
    // check), 3835/3955, and 3840 since a scan about the other running
    // service only goes there; session 23, with W's (93.0 % at its check),
    // 4027/4155, then 4035 since a new client's post is the office's (two
    // of the first letters relabelled to §7's "existing client"), a scan
    // about the office's business only goes there, and the unit above the
    // municipality's line is read as its addressee; session 24, with X's
    // (97.0 % at its check), 4229/4355, then 4233 since an application
    // that names nothing of the folder's service lies in the wrong folder;
    // session 25, with Y's (99.5 % at its check), 4431/4555, then 4433
    // since a message's subject opening with "Til" names its addressee;
    // session 26, with Z's (98.0 % at its check), 4630/4755; session 27,
    // with AA's (98.5 % at its check), 4826/4955; session 28, with AB's
    // (98.5 % at its check), 5026/5155; session 29, with AC's (98.5 % at
    // its check), 5223/5355; session 30, with AD's (97.0 % at its
    // check), 5415/5555; session 31, with AE's (98.0 % at its check),
    // 5612/5755; session 32, with AF's (96.0 % at its check), 5807/5955;
    // session 33, with AG's (98.0 % at its check), 6002/6155; session 34,
    // with AH's (97.5 % at its check), 6196/6355; session 35, with AI's
    // (98.5 % at its check), 6395/6555; session 36, with AJ's (97.0 % at
    // its check), 6588/6755.
    assert!(
        totals.unit_ok * 1000 >= n * 970,
        "unit by writing round {}/{n}, below 97.0 %",
        totals.unit_ok
    );
    // Urgency likewise (the urgency table fits its own letters as closely):
    // session 16, 332/337 urgent letters found with 150 false alarms;
    // session 17, with Q's letters, 357/365 with 160 (two of Q's 28 missed
    // as at its check: a county governor's deadline for documents, a son's
    // appeal after his mother's falls); session 18, with R's, 384/393 with
    // 182; session 19, with S's, 413/424 with 190 (S's two misses at its
    // check missed here too: a brother's account of a psychosis with a
    // knife, the out-of-hours clinic's order of supervision tonight);
    // session 20, with T's (30/30 at its check), 443/454 with 204; session
    // 21, with U's (34/34 at its check), 476/488 with 216, and 477 since a
    // court hearing or an eviction on a near date is a need; session 22,
    // with V's (28/32 at its check, and missed here too), 506/520 with
    // 227, then 509 with 201 since a need reads with the verb second and
    // in the infinitive, and a weekday with its date is as near as the
    // date (pauses, moves and ends of service dated weeks ahead had read as days);
    // session 23, with W's (35/39 at its check, and missed here too),
    // 545/559 with 209, then 165 since "i dag" is no near moment, and
    // urgency asked about and answered no, made a condition, denied in a
    // relative clause or said as "det vil jeg si med en gang" is none;
    // session 24, with X's (36/37 at its check, and missed here too),
    // 581/596 with 172; session 25, with Y's (36/38 at its check),
    // 618/634 with 176, then 620 since a demand is a need and help is
    // demanded now ("jeg må ha hjelp nå"); false alarms 172 since a moment
    // denied ("trenger ikke komme i kveld") or counted ("mange ganger i
    // løpet av natten") is no deadline; session 26, with Z's (36/36 at its
    // check), 657/670 with 180; session 27, with AA's (40/42 at its
    // check), 697/712 with 186; session 28, with AB's (35/35 at its
    // check), 732/747 with 193; session 29, with AC's (36/37 at its
    // check), 768/784 with 202, then 769 since a moment counted in days is
    // read by its count ("innen 1-2 dager"); session 30, with AD's (37/44
    // at its check), 806/828 with 214, then 811 with 219 since a heading
    // is its own sentence, a threat or a weapon is urgent, a deadline
    // ("frist") or a planned discharge is a need, and a date is near from
    // the received stamp too; session 31, with AE's (40/44 at its check),
    // 852/872 with 232, then 854 with 220 since the first time a care task
    // is done at home is a need, a patient approaching readiness is not
    // ready, and the writer's own word that it is not urgent weighs
    // against the cues; session 32, with AF's (39/40 at its check),
    // 891/912 with 231, then 892 since a safety aid that does not work
    // (an alarm, a medicine dispenser) is urgent; session 33, with AG's
    // (44/44 at its check), 937/956 with 240, 219 since; session 34, with
    // AH's (41/44 at its check), 978/1000 with 225, 981 with 218 since;
    // session 35, with AI's (42/43 at its check), 1023/1043 with 226,
    // 1024 since; session 36, with AJ's (41/41 at its check), 1064/1084
    // with 235.
    let (found, urgent, false_alarms) = (
        totals.urgent_found,
        totals.urgent_expected,
        totals.urgent_false,
    );
    assert!(
        found * 1000 >= urgent * 974,
        "urgent recall by writing round {found}/{urgent}, below 97.4 %"
    );
    assert!(
        false_alarms * 100 <= (n - urgent) * 5,
        "urgent false alarms by writing round {false_alarms} of {} calm letters",
        n - urgent
    );
}

/// 10-fold cross-validation on the tuning letters, the model retrained per
/// fold: how a change to the model or to the abstain rule is measured
/// (`cargo test --test classify_labelled cross_validation -- --ignored
/// --nocapture`; `POSTMOTTAK_EVAL_RULES` tries another rules file,
/// `POSTMOTTAK_CV_MODELS="0.1:words,0.1:pairs+nynorsk"` other model
/// trainings).
#[test]
#[ignore = "a measuring tool: prints per-fold accuracy"]
fn cross_validation() {
    let tuning: Vec<Letter> = load_letters().into_iter().filter(is_tuning).collect();
    let base = classifier();
    let variants = std::env::var("POSTMOTTAK_CV_MODELS").unwrap_or_default();
    let mut variants: Vec<(f64, postmottak::classify::ModelFeatures)> = variants
        .split(',')
        .filter_map(|v| {
            let (c, kind) = v.split_once(':')?;
            let features = postmottak::classify::ModelFeatures {
                pairs: kind.contains("pairs"),
                nynorsk_as_bokmal: kind.contains("nynorsk"),
                subject: kind.contains("subject"),
                unquoted: kind.contains("unquoted"),
            };
            Some((c.parse().ok()?, features))
        })
        .collect();
    if variants.is_empty() {
        variants.push((cv::C, cv::FEATURES));
    }
    // POSTMOTTAK_CV_BY=round: one fold per writing round (see batch_folds).
    let by_round = std::env::var("POSTMOTTAK_CV_BY").is_ok_and(|v| v == "round");
    let fold_of = if by_round {
        cv::batch_folds(&tuning)
    } else {
        cv::folds(&tuning, 10)
    };
    for (c, features) in variants {
        println!("\n--- model: C {c}, {features:?}, by round: {by_round}");
        let folds = cv::cross_validate(&base, &tuning, &fold_of, c, features);
        let totals = cv::print_folds(&folds);
        assert_eq!(totals.letters, tuning.len());
        assert!(totals.type_ok > 0);
    }
}

/// Which urgency cues fire on the tuning letters (never the held-out ones):
/// per urgent letter its cues, per calm letter any cue that fired. How a
/// cue's false alarms are calibrated (`cargo test --test classify_labelled
/// urgent_cues_on_tuning -- --ignored --nocapture`).
#[test]
#[ignore = "a measuring tool: prints the urgency cues per tuning letter"]
fn urgent_cues_on_tuning() {
    let tuning: Vec<Letter> = load_letters().into_iter().filter(is_tuning).collect();
    let c = classifier();
    let (mut alone_right, mut alone_false, mut urgent) = (0, 0, 0);
    for letter in &tuning {
        let extraction = text_extraction(letter);
        let input = postmottak::classify::ClassifyInput {
            extraction: &extraction,
            source: postmottak::item::Source::Digital,
            folder_unit: None,
            received_on: None,
        };
        let got = c.classify(&input);
        let cues: Vec<String> = got
            .reasons
            .iter()
            .filter(|r| r.kind == postmottak::classify::ReasonKind::Urgent)
            .map(|r| format!("{} ({})", r.label, r.weight))
            .collect();
        let near = cues.iter().any(|c| c.contains("få dager etter"));
        let want = letter.expected.urgent;
        urgent += usize::from(want);
        alone_right += usize::from(want && near);
        alone_false += usize::from(!want && near);
        if want || !cues.is_empty() {
            println!(
                "{} want {want} got {}: {}",
                letter.id,
                got.urgent,
                cues.join("; ")
            );
        }
    }
    println!("near need alone: {alone_right}/{urgent} urgent letters, {alone_false} calm letters");
}
