//! The labelled set's batches: which one is held out now, and the level
//! every formerly held-out batch reached at its one check.
//!
//! Each batch of outside letters is held out while it is fresh: written by
//! outsiders who never read the rules, the model, `src/` or `tests/`, never
//! looked at letter by letter, and scored once, after the last change. Once
//! checked its scores have been seen, so it becomes tuning letters and the
//! next fresh batch is held out; only a new batch measures unseen phrasing
//! honestly. A rotation is one edit here: the held-out batch's [`Check`]
//! moves unchanged into [`FORMERLY_HELD_OUT`] as its floor, [`HELD_OUT`]
//! names the fresh batch, and the sample's stamps are measured again
//! ([`SAMPLE_LATER_STAMPS`]). Every test that reports or guards a batch
//! reads this table (samples/README.md keeps the per-session record).

use std::ops::Range;

/// (type %, unit %, date %, urgent letters missed, urgent false alarms,
/// person IDs missed): the level a part keeps.
pub type Level = (usize, usize, usize, usize, usize, usize);

/// Received-stamp dates a part may miss, and the level that was measured.
#[derive(Clone, Copy)]
pub struct Stamps {
    pub may_miss: usize,
    pub measured: &'static str,
}

/// What a batch reached at its one check, while held out: on the
/// ground-truth text (`held_out_level_reached`) and through the real
/// extractor. It stays its floor once it is tuning letters.
pub struct Check {
    pub level: Level,
    pub text_stamps: Stamps,
    pub ocr_stamps: Stamps,
}

/// The batch held out now.
pub struct HeldOut {
    /// The writing round's letters: "AK".
    pub name: &'static str,
    pub ids: Range<u32>,
    /// `None` until its one check: its level is recorded here then.
    pub checked: Option<Check>,
}

impl HeldOut {
    /// "7000-7199 (fresh AK)", for reports.
    pub fn title(&self) -> String {
        format!("{} (fresh {})", span(&self.ids), self.name)
    }

    /// "all but 7000-7199", for the tuning letters' reports.
    pub fn all_but(&self) -> String {
        format!("all but {}", span(&self.ids))
    }

    /// Its check, or a failure that says how to record one.
    pub fn check(&self) -> &Check {
        self.checked.as_ref().unwrap_or_else(|| {
            panic!(
                "held-out {} is not checked yet: check it once and record its level in tests/classify_support/batches.rs",
                self.name
            )
        })
    }
}

/// A part held out before: a tuning letter set now, kept at the level it
/// had while held out.
pub struct Formerly {
    /// The writing round's letters; `None` for the first parts, scored
    /// while the classifier changed (300–399, 460–499, 500–539).
    pub name: Option<&'static str>,
    pub ids: Range<u32>,
    pub at_check: AtCheck,
}

/// What a former batch reached at its check.
pub enum AtCheck {
    /// Its level alone: the parts before I (1400), scored before the
    /// received stamp was read (their scans keep the 95 % instead).
    Level(Level),
    /// Its whole check, moved here unchanged from [`HELD_OUT`] when the
    /// batch became tuning letters (I onwards).
    Check(Check),
}

impl Formerly {
    /// "formerly held out 6800-6999 (fresh AJ)".
    pub fn title(&self) -> String {
        match self.name {
            Some(name) => format!("formerly held out {} (fresh {name})", span(&self.ids)),
            None => format!("formerly held out {}", span(&self.ids)),
        }
    }

    pub fn level(&self) -> Level {
        match &self.at_check {
            AtCheck::Level(level) => *level,
            AtCheck::Check(check) => check.level,
        }
    }

    /// Its whole check, stamps included (I onwards).
    pub fn check(&self) -> Option<&Check> {
        match &self.at_check {
            AtCheck::Level(_) => None,
            AtCheck::Check(check) => Some(check),
        }
    }
}

/// "7000-7199" for `7000..7200`.
pub fn span(ids: &Range<u32>) -> String {
    format!("{}-{}", ids.start, ids.end - 1)
}

pub const HELD_OUT: HeldOut = HeldOut {
    name: "AN",
    ids: 7600..7800,
    // At its one check (session 38, with that session's classifier, its
    // tables retrained on AM's letters, the arrival on 3 December): type
    // 198/200, unit 195/200, date 197/200, person IDs 177/177 with none
    // false, urgent 41/42 with 9 false alarms; its stamps from the text
    // 114/114 and through the extractor 107/114 (93.9 %), none invented.
    checked: Some(Check {
        level: (99, 97, 98, 1, 9, 0),
        text_stamps: Stamps {
            may_miss: 0,
            measured: "114/114 at its check, session 38",
        },
        ocr_stamps: Stamps {
            may_miss: 7,
            measured: "107/114 at its check, session 38",
        },
    }),
};

/// Stamp dates the suite's sample of the outside batches (every eighth
/// scan from 1400 up to the held-out batch, `a_sample_through_the_extractor`)
/// may miss through the extractor: re-measured at every rotation, since
/// the sample takes in the batch that became tuning letters.
pub const SAMPLE_LATER_STAMPS: Stamps = Stamps {
    may_miss: 19,
    measured: "377/396 in session 38, with AM's sampled scans",
};

/// The table is one rotation's edit, so it checks itself: the former
/// batches in order, none overlapping another, all before the held-out
/// batch, which is a whole round of its own.
pub fn check_table() -> Result<(), String> {
    let mut end = 0;
    for batch in FORMERLY_HELD_OUT {
        if batch.ids.start < end || batch.ids.is_empty() {
            return Err(format!("{} overlaps or is out of order", batch.title()));
        }
        end = batch.ids.end;
    }
    if HELD_OUT.ids.start < end {
        return Err(format!(
            "held-out {} overlaps a former batch",
            HELD_OUT.title()
        ));
    }
    let (first, last) = (HELD_OUT.ids.start, HELD_OUT.ids.end - 1);
    if first < 1000 || round(first) != round(last) || round(first - 1) == round(first) {
        return Err(format!(
            "held-out {} is not one writing round",
            HELD_OUT.title()
        ));
    }
    Ok(())
}

/// Writing rounds below 1000 end at these ids; from 1000 on, every round
/// is a batch of 200.
const EARLY_ROUNDS: [u32; 7] = [200, 400, 500, 540, 700, 890, 1000];

/// The writing round a letter number belongs to (0 for the first).
pub fn round(n: u32) -> usize {
    EARLY_ROUNDS
        .iter()
        .position(|&end| n < end)
        .unwrap_or_else(|| EARLY_ROUNDS.len() + ((n - 1000) / 200) as usize)
}

/// The parts held out before, oldest first, each kept at the level it had
/// while held out (session 4: 300–399 type 62/67, unit 65/67, date 67/67,
/// urgent 5/6 with one false alarm; 460–499 35/40, 37/40, 39/40, 3/4 with
/// one; 500–539 37/40, 36/40, 36/40, 3/5 with none; session 5, fresh D at
/// its one check: 137/150, 134/150, 144/150, 14/15 with eight; fresh F at
/// its one check: 97/105, 91/105, 102/105, 10/14 with three; session 6,
/// fresh G at its second check: 134/150, 141/150, 145/150, 13/14 with four;
/// session 7, fresh H at its one check: 137/150, 141/150, 147/150, 17/18
/// with four; none of them missed a person ID). Each later entry's comment
/// gives its check.
pub const FORMERLY_HELD_OUT: &[Formerly] = &[
    Formerly {
        name: None,
        ids: 300..400,
        at_check: AtCheck::Level((92, 97, 100, 1, 1, 0)),
    },
    Formerly {
        name: None,
        ids: 460..500,
        at_check: AtCheck::Level((87, 92, 97, 1, 1, 0)),
    },
    // One false alarm more in 500-539, G and H since session 13's
    // urgency model (a weak cue in a letter much like the urgent ones):
    // chosen by round CV, urgent recall 239 -> 245/252 for false alarms
    // 92 -> 103; each of these parts keeps every urgent letter.
    Formerly {
        name: None,
        ids: 500..540,
        at_check: AtCheck::Level((92, 90, 90, 2, 1, 0)),
    },
    Formerly {
        name: Some("D"),
        ids: 540..690,
        at_check: AtCheck::Level((91, 89, 96, 1, 8, 0)),
    },
    Formerly {
        name: Some("F"),
        ids: 890..1000,
        at_check: AtCheck::Level((92, 86, 97, 4, 3, 0)),
    },
    // G's unit: 141 at its check; 140 since the model trained on G
    // calls 1130 `annet` (right), whose default unit is the allocation
    // office, where its label says Omsorg.
    Formerly {
        name: Some("G"),
        ids: 1000..1200,
        at_check: AtCheck::Level((89, 93, 96, 1, 5, 0)),
    },
    Formerly {
        name: Some("H"),
        ids: 1200..1400,
        at_check: AtCheck::Level((91, 94, 98, 1, 5, 0)),
    },
    // I at its one check (session 9): 185/200, 190/200, 192/200,
    // 19/25 urgent with eight false alarms, person IDs 166/167 (the
    // one missed was a data fault in 1551, fixed since). One more false
    // alarm since session 10 (1594: a wife writes that her husband
    // calls himself a burden, a warning sign), for all six of I's
    // missed urgent letters found.
    Formerly {
        name: Some("I"),
        ids: 1400..1600,
        at_check: AtCheck::Check(Check {
            level: (92, 95, 96, 6, 9, 0),
            text_stamps: Stamps { may_miss: 0, measured: "91/95 at its check, all read since" },
            ocr_stamps: Stamps { may_miss: 19, measured: "70/95 at its check, 76/95 since session 17's stamp without a stamp word" },
        }),
    },
    // J at its one check (session 10): 174/200, 195/200, 188/200,
    // 22/25 urgent with 15 false alarms, person IDs 185/185. One more
    // false alarm since session 14's urgency table learnt N's letters.
    Formerly {
        name: Some("J"),
        ids: 1600..1800,
        at_check: AtCheck::Check(Check {
            level: (87, 97, 94, 3, 16, 0),
            text_stamps: Stamps { may_miss: 0, measured: "94/104 at its check, all read since" },
            ocr_stamps: Stamps { may_miss: 10, measured: "81/104 at its check, 93/104 since session 17's stamp without a stamp word, 94/104 in session 19's full run" },
        }),
    },
    // K at its one check (session 11): 168/200, 191/200, 184/200,
    // 23/28 urgent with 18 false alarms, person IDs 178/178.
    Formerly {
        name: Some("K"),
        ids: 1800..2000,
        at_check: AtCheck::Check(Check {
            level: (84, 95, 92, 5, 18, 0),
            text_stamps: Stamps { may_miss: 0, measured: "98/104 at its check, all read since" },
            ocr_stamps: Stamps { may_miss: 9, measured: "90/104 at its check, 94/104 since session 17's stamp without a stamp word, 95/104 in session 19's full run" },
        }),
    },
    // L at its one check (session 12): 176/200, 189/200, 191/200,
    // 23/29 urgent with 20 false alarms, person IDs 166/166. One more
    // false alarm since the case phrases were narrowed in review (a
    // treatment or payment in a need's sentence no longer silences it).
    Formerly {
        name: Some("L"),
        ids: 2000..2200,
        at_check: AtCheck::Check(Check {
            level: (88, 94, 95, 6, 21, 0),
            text_stamps: Stamps { may_miss: 0, measured: "94/94 at its check" },
            ocr_stamps: Stamps { may_miss: 6, measured: "87/94 at its check, 88/94 in session 19's full run" },
        }),
    },
    // M at its one check (session 12): 186/200, 193/200, 197/200,
    // 24/28 urgent with 15 false alarms, person IDs 162/162.
    Formerly {
        name: Some("M"),
        ids: 2200..2400,
        at_check: AtCheck::Check(Check {
            level: (93, 96, 98, 4, 15, 0),
            text_stamps: Stamps { may_miss: 0, measured: "92/92 at its check" },
            ocr_stamps: Stamps { may_miss: 8, measured: "79/92 at its check, 84/92 since session 13's keyed day and month" },
        }),
    },
    // N at its one check (session 13): 185/200, 196/200, 188/200,
    // 24/29 urgent with 7 false alarms, person IDs 180/180.
    Formerly {
        name: Some("N"),
        ids: 2400..2600,
        at_check: AtCheck::Check(Check {
            level: (92, 98, 94, 5, 7, 0),
            text_stamps: Stamps { may_miss: 0, measured: "91/91 at its check, one invented on an SMS transcript's header, fixed since" },
            ocr_stamps: Stamps { may_miss: 6, measured: "84/91 at its check, 85/91 in session 19's full run" },
        }),
    },
    // O at its one check (session 14): 180/200, 194/200, 196/200,
    // 23/28 urgent with 8 false alarms, person IDs 178/178.
    Formerly {
        name: Some("O"),
        ids: 2600..2800,
        at_check: AtCheck::Check(Check {
            level: (90, 97, 98, 5, 8, 0),
            text_stamps: Stamps { may_miss: 0, measured: "88/88 at its check" },
            ocr_stamps: Stamps { may_miss: 8, measured: "77/88 at its check, 80/88 in session 19's full run" },
        }),
    },
    // P at its one check (session 15): 177/200, 191/200, 197/200,
    // 26/28 urgent with 15 false alarms, person IDs 190/190.
    Formerly {
        name: Some("P"),
        ids: 2800..3000,
        at_check: AtCheck::Check(Check {
            level: (88, 95, 98, 2, 15, 0),
            text_stamps: Stamps { may_miss: 0, measured: "88/88 at its check" },
            ocr_stamps: Stamps { may_miss: 7, measured: "81/88" },
        }),
    },
    // Q at its one check (session 16): 193/200, 184/200, 190/200,
    // 26/28 urgent with 12 false alarms, person IDs 207/207 (after
    // three letters' numbers were mended).
    Formerly {
        name: Some("Q"),
        ids: 3000..3200,
        at_check: AtCheck::Check(Check {
            level: (96, 92, 95, 2, 12, 0),
            text_stamps: Stamps { may_miss: 4, measured: "92/96 at its check, session 16: stamps without a stamp word (\"VOSS HERAD / 01.12.2026\"), which the text cannot tell from a letterhead with its date" },
            ocr_stamps: Stamps { may_miss: 6, measured: "83/96 at its check, 90/96 since session 17's stamp without a stamp word" },
        }),
    },
    // R at its one check (session 17): 192/200, 188/200, 187/200,
    // 26/28 urgent with 18 false alarms, person IDs 188/189 (the one
    // missed, in a form's boxes, is read since).
    Formerly {
        name: Some("R"),
        ids: 3200..3400,
        at_check: AtCheck::Check(Check {
            level: (96, 94, 93, 2, 18, 0),
            text_stamps: Stamps { may_miss: 1, measured: "one missed, session 17" },
            ocr_stamps: Stamps { may_miss: 4, measured: "78/86 at its check, 82/86 in session 19's full run" },
        }),
    },
    // S at its one check (session 18): 187/200, 186/200, 195/200,
    // 29/31 urgent with 9 false alarms, person IDs 190/190 (after four
    // letters' numbers were mended).
    Formerly {
        name: Some("S"),
        ids: 3400..3600,
        at_check: AtCheck::Check(Check {
            level: (93, 93, 97, 2, 9, 0),
            text_stamps: Stamps { may_miss: 10, measured: "87/97 at its check, session 18" },
            ocr_stamps: Stamps { may_miss: 10, measured: "86/97 at its check, 87/97 in session 19's full run" },
        }),
    },
    // T at its one check (session 19): 198/200, 186/200, 197/200,
    // 30/30 urgent with 13 false alarms, person IDs 199/199 (after one
    // letter's number was mended).
    Formerly {
        name: Some("T"),
        ids: 3600..3800,
        at_check: AtCheck::Check(Check {
            level: (99, 93, 98, 0, 13, 0),
            text_stamps: Stamps { may_miss: 2, measured: "81/83 at its check, session 19" },
            ocr_stamps: Stamps { may_miss: 7, measured: "76/83 at its check" },
        }),
    },
    // U at its one check (session 20): 194/200, 186/200, 195/200,
    // 34/34 urgent with 14 false alarms, person IDs 198/198 (after one
    // letter's number was mended).
    Formerly {
        name: Some("U"),
        ids: 3800..4000,
        at_check: AtCheck::Check(Check {
            level: (97, 93, 97, 0, 14, 0),
            text_stamps: Stamps { may_miss: 3, measured: "110/113 at its check, session 20" },
            ocr_stamps: Stamps { may_miss: 6, measured: "107/113 at its check" },
        }),
    },
    // V at its one check (session 21): 198/200, 194/200, 197/200,
    // 28/32 urgent with 11 false alarms, person IDs 188/188.
    Formerly {
        name: Some("V"),
        ids: 4000..4200,
        at_check: AtCheck::Check(Check {
            level: (99, 97, 98, 4, 11, 0),
            text_stamps: Stamps { may_miss: 1, measured: "86/87 at its check, session 21" },
            ocr_stamps: Stamps { may_miss: 2, measured: "85/87 at its check" },
        }),
    },
    // W at its one check (session 22): 190/200, 186/200, 198/200,
    // 35/39 urgent with 6 false alarms, person IDs 190/190.
    Formerly {
        name: Some("W"),
        ids: 4200..4400,
        at_check: AtCheck::Check(Check {
            level: (95, 93, 99, 4, 6, 0),
            text_stamps: Stamps { may_miss: 3, measured: "106/109 at its check, session 22" },
            ocr_stamps: Stamps { may_miss: 6, measured: "103/109 at its check" },
        }),
    },
    // X at its one check (session 23): 194/200, 194/200, 194/200,
    // 36/37 urgent with 7 false alarms, person IDs 194/194.
    Formerly {
        name: Some("X"),
        ids: 4400..4600,
        at_check: AtCheck::Check(Check {
            level: (97, 97, 97, 1, 7, 0),
            text_stamps: Stamps { may_miss: 4, measured: "107/111 at its check, session 23" },
            ocr_stamps: Stamps { may_miss: 8, measured: "103/111 at its check" },
        }),
    },
    // Y at its one check (session 24): 198/200, 199/200, 196/200,
    // 36/38 urgent with 4 false alarms, person IDs 208/208.
    Formerly {
        name: Some("Y"),
        ids: 4600..4800,
        at_check: AtCheck::Check(Check {
            level: (99, 99, 98, 2, 4, 0),
            text_stamps: Stamps { may_miss: 2, measured: "106/108 at its check, session 24" },
            ocr_stamps: Stamps { may_miss: 7, measured: "101/108 at its check" },
        }),
    },
    // Z at its one check (session 25): 195/200, 196/200, 197/200,
    // 36/36 urgent with 7 false alarms, person IDs 202/202.
    Formerly {
        name: Some("Z"),
        ids: 4800..5000,
        at_check: AtCheck::Check(Check {
            level: (97, 98, 98, 0, 7, 0),
            text_stamps: Stamps { may_miss: 4, measured: "98/102 at its check, session 25" },
            ocr_stamps: Stamps { may_miss: 12, measured: "90/102 at its check" },
        }),
    },
    // AA at its one check (session 26): 200/200, 197/200, 196/200,
    // 40/42 urgent with 6 false alarms, person IDs 194/194.
    Formerly {
        name: Some("AA"),
        ids: 5000..5200,
        at_check: AtCheck::Check(Check {
            level: (100, 98, 98, 2, 6, 0),
            text_stamps: Stamps { may_miss: 3, measured: "107/110 at its check, session 26" },
            ocr_stamps: Stamps { may_miss: 6, measured: "104/110 at its check" },
        }),
    },
    // AB at its one check (session 27): 197/200, 197/200, 198/200,
    // 35/35 urgent with 7 false alarms, person IDs 198/198.
    Formerly {
        name: Some("AB"),
        ids: 5200..5400,
        at_check: AtCheck::Check(Check {
            level: (98, 98, 99, 0, 7, 0),
            text_stamps: Stamps { may_miss: 2, measured: "102/104 at its check, session 27" },
            ocr_stamps: Stamps { may_miss: 9, measured: "95/104 at its check" },
        }),
    },
    // AC at its one check (session 28): 195/200, 197/200, 193/200,
    // 36/37 urgent with 8 false alarms, person IDs 204/204.
    Formerly {
        name: Some("AC"),
        ids: 5400..5600,
        at_check: AtCheck::Check(Check {
            level: (97, 98, 96, 1, 8, 0),
            text_stamps: Stamps { may_miss: 4, measured: "105/109 at its check, session 28" },
            ocr_stamps: Stamps { may_miss: 4, measured: "105/109 at its check" },
        }),
    },
    // AD at its one check (session 29): 198/200, 194/200, 196/200,
    // 37/44 urgent with 9 false alarms, person IDs 180/180.
    Formerly {
        name: Some("AD"),
        ids: 5600..5800,
        at_check: AtCheck::Check(Check {
            level: (99, 97, 98, 7, 9, 0),
            text_stamps: Stamps { may_miss: 0, measured: "113/113 at its check, session 29" },
            ocr_stamps: Stamps { may_miss: 13, measured: "100/113 at its check" },
        }),
    },
    // AE at its one check (session 30): 198/200, 196/200, 199/200,
    // 40/44 urgent with 5 false alarms, person IDs 179/179.
    Formerly {
        name: Some("AE"),
        ids: 5800..6000,
        at_check: AtCheck::Check(Check {
            level: (99, 98, 99, 4, 5, 0),
            text_stamps: Stamps { may_miss: 0, measured: "116/116 at its check, session 30" },
            ocr_stamps: Stamps { may_miss: 10, measured: "106/116 at its check" },
        }),
    },
    // AF at its one check (session 31): 196/200, 192/200, 196/200,
    // 39/40 urgent with 4 false alarms, person IDs 179/179.
    Formerly {
        name: Some("AF"),
        ids: 6000..6200,
        at_check: AtCheck::Check(Check {
            level: (98, 96, 98, 1, 4, 0),
            text_stamps: Stamps { may_miss: 0, measured: "111/111 at its check, session 31" },
            ocr_stamps: Stamps { may_miss: 10, measured: "101/111 at its check" },
        }),
    },
    // AG at its one check (session 32): 196/200, 196/200, 194/200,
    // 44/44 urgent with 12 false alarms, person IDs 179/179.
    Formerly {
        name: Some("AG"),
        ids: 6200..6400,
        at_check: AtCheck::Check(Check {
            level: (98, 98, 97, 0, 12, 0),
            text_stamps: Stamps { may_miss: 0, measured: "107/107 at its check, session 32" },
            ocr_stamps: Stamps { may_miss: 4, measured: "103/107 at its check" },
        }),
    },
    // AH at its one check (session 33): 196/200, 195/200, 199/200,
    // 41/44 urgent with 7 false alarms, person IDs 184/184.
    Formerly {
        name: Some("AH"),
        ids: 6400..6600,
        at_check: AtCheck::Check(Check {
            level: (98, 97, 99, 3, 7, 0),
            text_stamps: Stamps { may_miss: 1, measured: "102/103 at its check, session 33" },
            ocr_stamps: Stamps { may_miss: 13, measured: "90/103 at its check" },
        }),
    },
    // AI at its one check (session 34): 199/200, 197/200, 199/200,
    // 42/43 urgent with 10 false alarms, person IDs 185/185.
    Formerly {
        name: Some("AI"),
        ids: 6600..6800,
        at_check: AtCheck::Check(Check {
            level: (99, 98, 99, 1, 10, 0),
            text_stamps: Stamps { may_miss: 0, measured: "103/103 at its check, session 34" },
            ocr_stamps: Stamps { may_miss: 8, measured: "95/103 at its check" },
        }),
    },
    // AJ at its one check (session 35): 196/200, 194/200, 197/200,
    // 41/41 urgent with 10 false alarms, person IDs 181/181.
    Formerly {
        name: Some("AJ"),
        ids: 6800..7000,
        at_check: AtCheck::Check(Check {
            level: (98, 97, 98, 0, 10, 0),
            text_stamps: Stamps { may_miss: 1, measured: "103/104 at its check, session 35" },
            ocr_stamps: Stamps { may_miss: 6, measured: "98/104 at its check" },
        }),
    },
    // AK at its one check (session 36): 197/200, 190/200, 199/200,
    // 41/41 urgent with 4 false alarms, person IDs 179/179.
    Formerly {
        name: Some("AK"),
        ids: 7000..7200,
        at_check: AtCheck::Check(Check {
            level: (98, 95, 99, 0, 4, 0),
            text_stamps: Stamps {
                may_miss: 0,
                measured: "112/112 at its check, session 36",
            },
            ocr_stamps: Stamps {
                may_miss: 4,
                measured: "108/112 at its check, session 36",
            },
        }),
    },
    // AL at its one check (session 37): 194/200, 195/200, 197/200,
    // 40/43 urgent with 6 false alarms, person IDs 182/182.
    Formerly {
        name: Some("AL"),
        ids: 7200..7400,
        at_check: AtCheck::Check(Check {
            level: (97, 97, 98, 3, 6, 0),
            text_stamps: Stamps {
                may_miss: 1,
                measured: "106/107 at its check, session 37",
            },
            ocr_stamps: Stamps {
                may_miss: 5,
                measured: "102/107 at its check, session 37",
            },
        }),
    },
    // AM at its one check (session 37): 193/200, 197/200, 197/200,
    // 40/42 urgent with 7 false alarms, person IDs 174/174.
    Formerly {
        name: Some("AM"),
        ids: 7400..7600,
        at_check: AtCheck::Check(Check {
            level: (96, 98, 98, 2, 7, 0),
            text_stamps: Stamps {
                may_miss: 0,
                measured: "115/115 at its check, session 37",
            },
            ocr_stamps: Stamps {
                may_miss: 9,
                measured: "106/115 at its check, session 37",
            },
        }),
    },
];
