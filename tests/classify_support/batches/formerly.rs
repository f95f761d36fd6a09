//! The former held-out batches' floors: one entry per batch, oldest first,
//! each its check moved here unchanged when the batch became tuning letters.

use super::{AtCheck, Check, Formerly, Level, Stamps};

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
        at_check: AtCheck::Level(Level {
            type_pct: 92,
            unit_pct: 97,
            date_pct: 100,
            urgent_missed: 1,
            urgent_false: 1,
            ids_missed: 0,
        }),
    },
    Formerly {
        name: None,
        ids: 460..500,
        at_check: AtCheck::Level(Level {
            type_pct: 87,
            unit_pct: 92,
            date_pct: 97,
            urgent_missed: 1,
            urgent_false: 1,
            ids_missed: 0,
        }),
    },
    // One false alarm more in 500-539, G and H since session 13's
    // urgency model (a weak cue in a letter much like the urgent ones):
    // chosen by round CV, urgent recall 239 -> 245/252 for false alarms
    // 92 -> 103; each of these parts keeps every urgent letter.
    Formerly {
        name: None,
        ids: 500..540,
        at_check: AtCheck::Level(Level {
            type_pct: 92,
            unit_pct: 90,
            date_pct: 90,
            urgent_missed: 2,
            urgent_false: 1,
            ids_missed: 0,
        }),
    },
    Formerly {
        name: Some("D"),
        ids: 540..690,
        at_check: AtCheck::Level(Level {
            type_pct: 91,
            unit_pct: 89,
            date_pct: 96,
            urgent_missed: 1,
            urgent_false: 8,
            ids_missed: 0,
        }),
    },
    Formerly {
        name: Some("F"),
        ids: 890..1000,
        at_check: AtCheck::Level(Level {
            type_pct: 92,
            unit_pct: 86,
            date_pct: 97,
            urgent_missed: 4,
            urgent_false: 3,
            ids_missed: 0,
        }),
    },
    // G's unit: 141 at its check; 140 since the model trained on G
    // calls 1130 `annet` (right), whose default unit is the allocation
    // office, where its label says Omsorg.
    Formerly {
        name: Some("G"),
        ids: 1000..1200,
        at_check: AtCheck::Level(Level {
            type_pct: 89,
            unit_pct: 93,
            date_pct: 96,
            urgent_missed: 1,
            urgent_false: 5,
            ids_missed: 0,
        }),
    },
    Formerly {
        name: Some("H"),
        ids: 1200..1400,
        at_check: AtCheck::Level(Level {
            type_pct: 91,
            unit_pct: 94,
            date_pct: 98,
            urgent_missed: 1,
            urgent_false: 5,
            ids_missed: 0,
        }),
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
            level: Level {
                type_pct: 92,
                unit_pct: 95,
                date_pct: 96,
                urgent_missed: 6,
                urgent_false: 9,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 87,
                unit_pct: 97,
                date_pct: 94,
                urgent_missed: 3,
                urgent_false: 16,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 84,
                unit_pct: 95,
                date_pct: 92,
                urgent_missed: 5,
                urgent_false: 18,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 88,
                unit_pct: 94,
                date_pct: 95,
                urgent_missed: 6,
                urgent_false: 21,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 93,
                unit_pct: 96,
                date_pct: 98,
                urgent_missed: 4,
                urgent_false: 15,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 92,
                unit_pct: 98,
                date_pct: 94,
                urgent_missed: 5,
                urgent_false: 7,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 90,
                unit_pct: 97,
                date_pct: 98,
                urgent_missed: 5,
                urgent_false: 8,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 88,
                unit_pct: 95,
                date_pct: 98,
                urgent_missed: 2,
                urgent_false: 15,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 96,
                unit_pct: 92,
                date_pct: 95,
                urgent_missed: 2,
                urgent_false: 12,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 96,
                unit_pct: 94,
                date_pct: 93,
                urgent_missed: 2,
                urgent_false: 18,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 93,
                unit_pct: 93,
                date_pct: 97,
                urgent_missed: 2,
                urgent_false: 9,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 99,
                unit_pct: 93,
                date_pct: 98,
                urgent_missed: 0,
                urgent_false: 13,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 97,
                unit_pct: 93,
                date_pct: 97,
                urgent_missed: 0,
                urgent_false: 14,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 99,
                unit_pct: 97,
                date_pct: 98,
                urgent_missed: 4,
                urgent_false: 11,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 95,
                unit_pct: 93,
                date_pct: 99,
                urgent_missed: 4,
                urgent_false: 6,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 97,
                unit_pct: 97,
                date_pct: 97,
                urgent_missed: 1,
                urgent_false: 7,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 99,
                unit_pct: 99,
                date_pct: 98,
                urgent_missed: 2,
                urgent_false: 4,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 97,
                unit_pct: 98,
                date_pct: 98,
                urgent_missed: 0,
                urgent_false: 7,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 100,
                unit_pct: 98,
                date_pct: 98,
                urgent_missed: 2,
                urgent_false: 6,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 98,
                unit_pct: 98,
                date_pct: 99,
                urgent_missed: 0,
                urgent_false: 7,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 97,
                unit_pct: 98,
                date_pct: 96,
                urgent_missed: 1,
                urgent_false: 8,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 99,
                unit_pct: 97,
                date_pct: 98,
                urgent_missed: 7,
                urgent_false: 9,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 99,
                unit_pct: 98,
                date_pct: 99,
                urgent_missed: 4,
                urgent_false: 5,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 98,
                unit_pct: 96,
                date_pct: 98,
                urgent_missed: 1,
                urgent_false: 4,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 98,
                unit_pct: 98,
                date_pct: 97,
                urgent_missed: 0,
                urgent_false: 12,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 98,
                unit_pct: 97,
                date_pct: 99,
                urgent_missed: 3,
                urgent_false: 7,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 99,
                unit_pct: 98,
                date_pct: 99,
                urgent_missed: 1,
                urgent_false: 10,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 98,
                unit_pct: 97,
                date_pct: 98,
                urgent_missed: 0,
                urgent_false: 10,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 98,
                unit_pct: 95,
                date_pct: 99,
                urgent_missed: 0,
                urgent_false: 4,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 97,
                unit_pct: 97,
                date_pct: 98,
                urgent_missed: 3,
                urgent_false: 6,
                ids_missed: 0,
            },
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
            level: Level {
                type_pct: 96,
                unit_pct: 98,
                date_pct: 98,
                urgent_missed: 2,
                urgent_false: 7,
                ids_missed: 0,
            },
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
    // AN at its one check (session 38): 198/200, 195/200, 197/200,
    // 41/42 urgent with 9 false alarms, person IDs 177/177.
    Formerly {
        name: Some("AN"),
        ids: 7600..7800,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 99,
                unit_pct: 97,
                date_pct: 98,
                urgent_missed: 1,
                urgent_false: 9,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "114/114 at its check, session 38",
            },
            ocr_stamps: Stamps {
                may_miss: 7,
                measured: "107/114 at its check, session 38",
            },
        }),
    },
    // AO at its one check (session 39): 196/200, 197/200, 198/200,
    // 38/42 urgent with 4 false alarms, person IDs 182/182.
    Formerly {
        name: Some("AO"),
        ids: 7800..8000,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 98,
                unit_pct: 98,
                date_pct: 99,
                urgent_missed: 4,
                urgent_false: 4,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "109/109 at its check, session 39",
            },
            ocr_stamps: Stamps {
                may_miss: 7,
                measured: "102/109 at its check, session 39",
            },
        }),
    },
    // AP at its one check (session 40): 195/200, 196/200, 197/200,
    // 41/43 urgent with 9 false alarms, person IDs 179/179.
    Formerly {
        name: Some("AP"),
        ids: 8000..8200,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 97,
                unit_pct: 98,
                date_pct: 98,
                urgent_missed: 2,
                urgent_false: 9,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "110/110 at its check, session 40",
            },
            ocr_stamps: Stamps {
                may_miss: 5,
                measured: "105/110 at its check, session 40",
            },
        }),
    },
    // AQ at its one check (session 41): 197/200, 192/200, 194/200,
    // 41/42 urgent with 7 false alarms, person IDs 173/173.
    Formerly {
        name: Some("AQ"),
        ids: 8200..8400,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 98,
                unit_pct: 96,
                date_pct: 97,
                urgent_missed: 1,
                urgent_false: 7,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "109/109 at its check, session 41",
            },
            ocr_stamps: Stamps {
                may_miss: 11,
                measured: "98/109 at its check, session 41",
            },
        }),
    },
    // AR at its one check (session 42): 196/200, 192/200, 199/200,
    // 41/43 urgent with 7 false alarms, person IDs 173/173.
    Formerly {
        name: Some("AR"),
        ids: 8400..8600,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 98,
                unit_pct: 96,
                date_pct: 99,
                urgent_missed: 2,
                urgent_false: 7,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "108/108 at its check, session 42",
            },
            ocr_stamps: Stamps {
                may_miss: 9,
                measured: "99/108 at its check, session 42",
            },
        }),
    },
    // AS at its one check (session 43): 199/200, 196/200, 198/200,
    // 39/42 urgent with 10 false alarms, person IDs 179/179.
    Formerly {
        name: Some("AS"),
        ids: 8600..8800,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 99,
                unit_pct: 98,
                date_pct: 99,
                urgent_missed: 3,
                urgent_false: 10,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "112/112 at its check, session 43",
            },
            ocr_stamps: Stamps {
                may_miss: 7,
                measured: "105/112 at its check, session 43",
            },
        }),
    },
    // AT at its one check (session 44): 198/200, 198/200, 197/200,
    // 43/44 urgent with 8 false alarms, person IDs 183/183.
    Formerly {
        name: Some("AT"),
        ids: 8800..9000,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 99,
                unit_pct: 99,
                date_pct: 98,
                urgent_missed: 1,
                urgent_false: 8,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "109/109 at its check, session 44",
            },
            ocr_stamps: Stamps {
                may_miss: 9,
                measured: "100/109 at its check, session 44",
            },
        }),
    },
    // AU at its one check (session 45): 196/200, 195/200, 198/200,
    // 41/41 urgent with 11 false alarms, person IDs 168/168.
    Formerly {
        name: Some("AU"),
        ids: 9000..9200,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 98,
                unit_pct: 97,
                date_pct: 99,
                urgent_missed: 0,
                urgent_false: 11,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 3,
                measured: "106/109 at its check, session 45",
            },
            ocr_stamps: Stamps {
                may_miss: 9,
                measured: "100/109 at its check, session 45",
            },
        }),
    },
    // AV at its one check (session 46): 197/200, 198/200, 197/200,
    // 39/41 urgent with 5 false alarms, person IDs 180/180.
    Formerly {
        name: Some("AV"),
        ids: 9200..9400,
        at_check: AtCheck::Check(Check {
            level: Level {
                type_pct: 98,
                unit_pct: 99,
                date_pct: 98,
                urgent_missed: 2,
                urgent_false: 5,
                ids_missed: 0,
            },
            text_stamps: Stamps {
                may_miss: 0,
                measured: "107/107 at its check, session 46",
            },
            ocr_stamps: Stamps {
                may_miss: 8,
                measured: "99/107 at its check, session 46",
            },
        }),
    },
];
