//! The steps of [`Classifier::classify`], one decision each: every step
//! reads the letter (and the decisions before it) and adds its reasons.
//! Pure, like the classifier.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::linear::URGENT_CLASS;
use super::rules::{self, TypeDecision};
use super::{
    find_person_ids, fold, quality, sender, stamp, title, Classifier, ClassifyInput, Folded,
    PersonId, Reason, ReasonKind, FALLBACK_TYPE,
};
use crate::extract::Extraction;
use crate::item::{QualityFlag, Source, UnitId};

/// The letter's text in the forms the rules read.
pub(super) struct Letter {
    pub text: String,
    /// The folded text and subject line, as the rules and models read them.
    pub folded: Folded,
    /// The subject line ("Emne:", "Vedr.:", …), when the letter has one.
    pub subject: Option<String>,
}

impl Letter {
    pub fn read(extraction: &Extraction) -> Letter {
        let text = extraction.text();
        let folded = fold(&text);
        let subject = title::subject_line(&text);
        let folded_subject = subject.as_deref().map(fold).unwrap_or_default();
        Letter {
            text,
            folded: Folded::new(folded, folded_subject),
            subject,
        }
    }
}

impl Classifier {
    /// The document type by weighted rules (below the threshold `annet`,
    /// with the best type as a suggestion).
    pub(super) fn decide_type(&self, letter: &Letter, reasons: &mut Vec<Reason>) -> TypeDecision {
        let mut evidence = self
            .rules
            .shape_evidence(&letter.folded.text, &letter.folded.subject);
        evidence.extend(self.rules.writer_role(&sender::writer_lines(&letter.text)));
        let decision = self.rules.score_types(&letter.folded, &evidence);
        reasons.extend(decision.fired.iter().map(|f| Reason {
            kind: ReasonKind::DocumentType,
            target: f.target.clone(),
            label: f.label.clone(),
            weight: f.weight,
        }));
        decision
    }

    /// A scan filed in the wrong unit's folder: the letter is addressed to
    /// another unit ("Til: Rus og psykisk helse", "Att.: Tildelingskontoret"),
    /// and its type, if it has a unit of its own, goes to that unit too. An
    /// application addressed to home nursing but scanned at the allocation
    /// office stays there (applications are the office's). Topic words alone
    /// move a scan only out of a running service's folder and only when
    /// nothing in it is that service's ([`Self::other_service_scan`]): as
    /// evidence of their own they moved more right scans than wrong (round
    /// CV unit 2064 -> 2040 at weight 6), the addressee
    /// with the type's consent 2064 -> 2069/2155 (six misfiled scans found,
    /// one lost whose writer kept the folder's unit for a letter addressed
    /// to allocation).
    fn misfiled_to(
        &self,
        document_type: &str,
        letter: &Letter,
        folder: &UnitId,
    ) -> Option<Addressed> {
        let att = self.rules.addressed_unit(&letter.folded.text)?;
        // "Annet"'s unit is where post of no type goes by default, not a
        // unit that owns it: the addressee decides. A unit the type's
        // content may take it to ("Til Rustjenesten" on an end of follow-up
        // scanned with the allocation office's post) is the type's too, when
        // the content does point there: an end of home care addressed to the
        // allocation office stays with Omsorg's post, an end of a care
        // allowance (a service the office runs) goes to it. "Points there"
        // is the unit rules' choice, as for digital post.
        let content_goes_there = |t: &rules::TypeDef| {
            t.content_may_go_to(&att.target)
                && self.rules.score_units(&letter.folded).0.as_deref() == Some(att.target.as_str())
        };
        let type_keeps_it = self
            .rules
            .type_def(document_type)
            .filter(|t| t.id != FALLBACK_TYPE)
            .is_some_and(|t| {
                t.unit.as_deref().is_some_and(|own| own != att.target) && !content_goes_there(t)
            });
        if att.target == folder.as_str() || type_keeps_it {
            return None;
        }
        let unit = UnitId::new(&att.target).ok()?;
        Some(Addressed { unit, fired: att })
    }

    /// A scan in a running service's folder (Omsorg's, Rus og psykisk
    /// helse's) about another unit's business only: the unit rules name
    /// that unit and nothing of the folder's, and for the other running
    /// service the unit table favours it too. It is decided as digital
    /// post would be: the labelling decision's "nothing to do with the
    /// folder's unit" (samples/README). The office's folder holds post
    /// about every service, and a unit without unit rules has no words to
    /// be silent in, so neither is ever left this way. Session 22: round
    /// CV unit 3835 -> 3840/3955, none lost; without the unit table's
    /// consent 3841 with one right scan lost (a landlord's letter on a
    /// flat), where session 21's reading of the rules' silence for the
    /// folder's service alone lost 13 right scans for 7. Session 23: the
    /// office's own words (a new client, a care allowance, BPA) need no
    /// table's consent, since the table learns applications as the
    /// office's anyway: round CV 4031 -> 4034/4155 (found: three old
    /// people's applications for home help and a care allowance in Rus og
    /// psykisk helse's folder; lost: a BPA provider's change in Omsorg's,
    /// labelled with its folder). Session 24: an application naming nothing
    /// of the folder's service, which the table does not place there, is
    /// decided as digital post too, with home help and relief care named
    /// as Omsorg's services: round CV 4229 -> 4233/4355 (found: four
    /// applications for home help and a brother's for follow-up;
    /// lost: an application for cleaning and shopping in Omsorg's folder
    /// that names no service).
    fn other_service_scan(
        &self,
        input: &ClassifyInput<'_>,
        document_type: &str,
        letter: &Letter,
        folder: &UnitId,
        reasons: &mut Vec<Reason>,
    ) -> Option<UnitId> {
        let office = self.rules.units.first()?;
        // "Nothing of the folder's" can only be found for a service the
        // unit rules can name: a unit a municipality adds without unit
        // rules keeps the scans in its folder.
        let nameable = self
            .rules
            .file
            .unit_rules
            .iter()
            .any(|r| r.unit == folder.as_str());
        if folder == office || !nameable {
            return None;
        }
        let (_, fired) = self.rules.score_units(&letter.folded);
        // The unit rules name a unit; the unit table's entry favours it.
        let fired_for = |u: &UnitId, by_table: bool| {
            fired.iter().any(|f| {
                f.target == u.as_str()
                    && f.weight > 0.0
                    && (f.label == super::fuse::UNIT_MODEL_LABEL) == by_table
            })
        };
        let named = |u: &UnitId| fired_for(u, false);
        let favoured = |u: &UnitId| fired_for(u, true);
        let other = self
            .rules
            .units
            .iter()
            .any(|u| u != folder && named(u) && (u == office || favoured(u)));
        // An application is the office's by §7 unless it is the folder's
        // business: one that names nothing of the folder's service, and
        // that the unit table does not place there either, lies in the
        // wrong folder (an old woman's application for home help in Rus
        // og psykisk helse's).
        let application = self
            .rules
            .type_def(document_type)
            .is_some_and(|t| t.routine == Some(super::taxonomy::Routine::Application));
        let stray_application = application && !favoured(folder);
        if named(folder) || !(other || stray_application) {
            return None;
        }
        let digital = ClassifyInput {
            extraction: input.extraction,
            source: Source::Digital,
            folder_unit: None,
            received_on: input.received_on,
        };
        let mut own = Vec::new();
        let unit = self.decide_unit(&digital, document_type, letter, &mut own);
        (unit != *folder).then(|| {
            reasons.extend(own);
            unit
        })
    }

    /// Scans keep their folder's unit unless addressed to another unit
    /// ([`Self::misfiled_to`]) or about another unit's business only
    /// ([`Self::other_service_scan`]); digital post goes by the addressee, the
    /// type's fixed unit, the unit rules, else the default unit (§7).
    pub(super) fn decide_unit(
        &self,
        input: &ClassifyInput<'_>,
        document_type: &str,
        letter: &Letter,
        reasons: &mut Vec<Reason>,
    ) -> UnitId {
        if let (Source::Scan, Some(unit)) = (input.source, input.folder_unit) {
            if let Some(addressed) = self.misfiled_to(document_type, letter, unit) {
                return addressed.into_unit(reasons);
            }
            if let Some(other) =
                self.other_service_scan(input, document_type, letter, unit, reasons)
            {
                return other;
            }
            reasons.push(reason(
                ReasonKind::Unit,
                unit.as_str(),
                "skannet i enhetens mappe",
            ));
            return unit.clone();
        }
        // The default unit is the first unit the rules name (validated).
        let default = || self.rules.units[0].clone();
        // "Att.: Tildelingskontoret": the sender named the unit; that beats
        // the type's unit and every topic word (issue 11: the strongest unit
        // signal for digital post). Tried in session 6: letting an
        // application's Att. line count only when it names allocation — CV
        // +1/855 on labels that disagree among themselves, against the
        // issue's rule, so not kept.
        if let Some(att) = self.rules.addressed_unit(&letter.folded.text) {
            if let Ok(unit) = UnitId::new(&att.target) {
                return Addressed { unit, fired: att }.into_unit(reasons);
            }
        }
        let (best, fired) = self.rules.score_units(&letter.folded);
        let type_def = self.rules.type_def(document_type);
        if let Some(fixed) = type_def.and_then(|t| t.unit.as_deref()) {
            let model_agrees = |u: &str| {
                self.rules.file.type_unit_yields_at.is_some_and(|at| {
                    fired.iter().any(|f| {
                        f.target == u
                            && f.label == super::fuse::UNIT_MODEL_LABEL
                            && f.weight >= at * self.rules.file.unit_model_weight
                    })
                })
            };
            let by_content = best
                .as_deref()
                .filter(|u| type_def.is_some_and(|t| t.content_may_go_to(u)) || model_agrees(u));
            if let Some(unit) = by_content {
                reasons.extend(unit_reasons(fired, unit));
                return UnitId::new(unit).unwrap_or_else(|_| default());
            }
            reasons.push(reason(
                ReasonKind::Unit,
                fixed,
                "dokumenttypen behandles av denne enheten",
            ));
            return UnitId::new(fixed).unwrap_or_else(|_| default());
        }
        match best {
            Some(unit) => {
                reasons.extend(unit_reasons(fired, &unit));
                UnitId::new(&unit).unwrap_or_else(|_| default())
            }
            None => {
                reasons.push(reason(
                    ReasonKind::Unit,
                    self.rules.units[0].as_str(),
                    "ingen enhet pekte seg ut; tildelingskontoret",
                ));
                default()
            }
        }
    }

    /// Urgent when the (not negated) urgency cues reach their threshold; a
    /// need soon after the letter's own date is one of them.
    pub(super) fn decide_urgent(
        &self,
        letter: &Letter,
        dates: &LetterDates,
        reasons: &mut Vec<Reason>,
    ) -> bool {
        let evidence = self
            .rules
            .urgent_cues(&letter.folded.text, dates.document, dates.received);
        let score = evidence.score();
        let denied = evidence.denial.is_some();
        reasons.extend(
            evidence
                .cues
                .into_iter()
                .chain(evidence.denial)
                .map(|f| Reason {
                    kind: ReasonKind::Urgent,
                    target: f.target,
                    label: f.label,
                    weight: f.weight,
                }),
        );
        let def = &self.rules.file.urgent;
        if score >= def.threshold {
            return true;
        }
        // The writer says it is not urgent: the model, which only knows
        // letters like this one, does not overrule the writer.
        if denied {
            return false;
        }
        // Cues too weak alone, in a letter much like the urgent ones; or
        // none, in a letter the model all but certainly calls urgent.
        let Some(margin) =
            self.rules.urgent_model.as_ref().and_then(|m| {
                m.margin_of(URGENT_CLASS, &letter.folded, &self.moments(letter, dates))
            })
        else {
            return false;
        };
        let with_cues = def.model_margin.is_some_and(|at_least| {
            score > 0.0 && score >= def.model_min_cues && margin >= at_least
        });
        let alone = def
            .model_alone_margin
            .is_some_and(|at_least| margin >= at_least);
        let label = match (with_cues, alone) {
            (true, _) => URGENT_MODEL_LABEL,
            (false, true) => URGENT_MODEL_ALONE_LABEL,
            (false, false) => return false,
        };
        reasons.push(Reason {
            kind: ReasonKind::Urgent,
            target: "urgent".into(),
            label: label.into(),
            weight: def.threshold - score,
        });
        true
    }

    /// The letter's moments for the urgency model (`urgent::moments`).
    pub(super) fn moments(&self, letter: &Letter, dates: &LetterDates) -> BTreeSet<String> {
        self.rules
            .moments(&letter.folded.text, dates.document, dates.received)
    }

    /// Whether the type goes through a leader (the taxonomy says).
    pub(super) fn decide_leader_review(
        &self,
        document_type: &str,
        reasons: &mut Vec<Reason>,
    ) -> bool {
        let leader_review = self
            .taxonomy
            .get(document_type)
            .is_some_and(|t| t.leader_review);
        if leader_review {
            reasons.push(Reason {
                kind: ReasonKind::LeaderReview,
                target: document_type.to_owned(),
                label: "dokumenttypen skal gjennom leder".into(),
                weight: 1.0,
            });
        }
        leader_review
    }

    /// The subject line; else a title derived from what the letter asks
    /// for (marked derived); else the type's name.
    pub(super) fn decide_title(
        &self,
        letter: &Letter,
        document_type: &str,
        reasons: &mut Vec<Reason>,
    ) -> (String, bool) {
        if let Some(t) = letter
            .subject
            .as_deref()
            .and_then(|s| title::clean_title(s, &letter.text))
        {
            reasons.push(reason(
                ReasonKind::Title,
                "emnelinje",
                "fra brevets emnelinje",
            ));
            return (t, false);
        }
        // A queue of GP letters all titled "Helseopplysninger" says
        // nothing: say what the letter asks for, marked as derived.
        if let Some(t) = title::derived_title(&letter.text) {
            reasons.push(reason(
                ReasonKind::Title,
                "utledet",
                "ingen emnelinje; utledet fra hva brevet ber om",
            ));
            return (t, true);
        }
        reasons.push(reason(
            ReasonKind::Title,
            "dokumenttype",
            "ingen emnelinje; dokumenttypens navn",
        ));
        let label = self.type_label(document_type).unwrap_or(FALLBACK_TYPE);
        (label.to_owned(), false)
    }

    /// The sending organisation, else the private person who wrote.
    pub(super) fn decide_sender(
        &self,
        letter: &Letter,
        reasons: &mut Vec<Reason>,
    ) -> (Option<String>, Option<String>) {
        if let Some(sender) = sender::sender(&self.rules, &letter.text) {
            // The target names the kind of evidence, not the letterhead line.
            reasons.push(reason(
                ReasonKind::Sender,
                "avsender",
                "kjent avsender eller org.nr. i brevhode eller signatur",
            ));
            return (Some(sender), None);
        }
        let person = sender::person_sender(&letter.text);
        if person.is_some() {
            reasons.push(reason(
                ReasonKind::Sender,
                "privatperson",
                "navn i «Fra:»-linjen eller under hilsenen",
            ));
        }
        (None, person)
    }

    /// Flags from the extraction's facts, and an unreadable stamp.
    pub(super) fn quality_flags(
        &self,
        input: &ClassifyInput<'_>,
        letter: &Letter,
        stamp_unreadable: bool,
        reasons: &mut Vec<Reason>,
    ) -> Vec<QualityFlag> {
        let mut flags = quality::flags(
            input.extraction,
            &letter.folded.text,
            &self.rules.file.quality,
        );
        if stamp_unreadable {
            flags.push(QualityFlag::StampUnreadable);
        }
        for flag in &flags {
            reasons.push(reason(ReasonKind::Quality, flag.as_str(), flag.label_nb()));
        }
        flags
    }
}

/// Person ID numbers with valid check digits.
pub(super) fn person_ids(letter: &Letter, reasons: &mut Vec<Reason>) -> Vec<PersonId> {
    let ids = find_person_ids(&letter.text);
    for id in &ids {
        reasons.push(reason(
            ReasonKind::PersonId,
            id.kind.as_str(),
            &format!("{} med gyldige kontrollsifre", id.kind.label_nb()),
        ));
    }
    ids
}

/// The letter's own date and the received stamp's, decided together.
pub(super) struct LetterDates {
    pub document: Option<NaiveDate>,
    pub stamped: Option<NaiveDate>,
    /// The day the post room had the letter: the received stamp's on
    /// paper, the day it arrived in the share for digital post.
    pub received: Option<NaiveDate>,
    /// A stamp region was read but no plausible date came out of it.
    pub stamp_unreadable: bool,
}

/// The letter's own date (by its position, not after the day it arrived)
/// and the received stamp's. The extractor's reading of the stamp region
/// comes first; running text (a text layer, or a stamp the extractor did
/// not isolate) is the fallback. A stamp date must be plausible for the day
/// the file arrived and the letter's own date. A letter is written before
/// it is stamped received, so a stamp bounds the letter's date as the
/// arrival day does: in a letter stamped 13.11 that says "Forfall
/// 30.11.2026", 30.11 is a due date, not the date that vetoes the stamp,
/// when a letter date is found before the stamp's (the "12.11.2026" at the
/// end).
pub(super) fn letter_dates(input: &ClassifyInput<'_>, letter: &Letter) -> LetterDates {
    let received = input.received_on;
    let free = super::dates::document_date_arrived(&letter.text, received);
    // Digital post is never stamped received here: its arrival in the
    // share is its receipt, and a "mottatt 09.11.2026" in its text is
    // another party's (a forwarded e-mail's, the county governor's).
    if input.source == Source::Digital {
        return LetterDates {
            document: free,
            stamped: None,
            received,
            stamp_unreadable: false,
        };
    }
    // A letter stamped `s` was written by then, and by its arrival.
    let written_by = |s: NaiveDate| received.map_or(s, |r| r.min(s));
    let bounded_by =
        |s: NaiveDate| super::dates::document_date_arrived(&letter.text, Some(written_by(s)));
    // The letter's date that goes with stamp `s`, if `s` is plausible.
    let fits = |s: NaiveDate| -> Option<Option<NaiveDate>> {
        if stamp::plausible(s, received, free) {
            return Some(free);
        }
        // Only when a letter date is found under the stamp's: a date quoted
        // in prose ("bekymringsmelding mottatt 07.09.2026") in a letter
        // dated 30.09 would otherwise bound away the letter's own date. A
        // stamp the arrival day refuses is refused before the letter is
        // read again (a reading's year variants are many).
        if !stamp::plausible(s, received, None) {
            return None;
        }
        let bounded = bounded_by(s).filter(|&d| stamp::plausible(s, received, Some(d)))?;
        Some(Some(bounded))
    };
    let reading = input
        .extraction
        .pages
        .iter()
        .find_map(|p| p.stamp.as_deref());
    // A region read around a message header's "Mottatt: 13.10.2026 kl.
    // 19.42" (the extractor sees a stamp word and a date) is no stamp.
    let header = stamp::message_header_dates(&letter.text);
    let from_region = reading.and_then(|r| {
        stamp::parse_keyed_stamp_date_where(r, |s| !header.contains(&s) && fits(s).is_some())
    });
    let stamped = from_region.or_else(|| {
        stamp::stamp_dates_in_text(&letter.text)
            .into_iter()
            .find(|&s| fits(s).is_some())
    });
    // The letter's date that went with the stamp chosen (read once more
    // for that one stamp only).
    let document = stamped.and_then(fits).unwrap_or(free);
    // The letter's date read as the stamp's own: read again knowing the
    // stamp's date, another date on a line as good is the letter's.
    let document = match (document, stamped) {
        (Some(d), Some(s)) if d == s => {
            super::dates::document_date_stamped(&letter.text, Some(written_by(s)), s)
                .filter(|&other| stamp::plausible(s, received, Some(other)))
                .or(document)
        }
        _ => document,
    };
    LetterDates {
        // A note dated "mandag 16.11" has its year from the stamp when
        // nothing else bounds it.
        document: document.or_else(|| stamped.and_then(bounded_by)),
        stamped,
        // Paper's receipt is its stamp: a scan arrives when it was scanned,
        // days later at times (round CV, session 34: with the scan's
        // arrival for an unstamped scan, two false alarms more).
        received: stamped,
        stamp_unreadable: reading.is_some() && stamped.is_none(),
    }
}

impl LetterDates {
    /// Why the letter's date was given.
    pub fn document_reason(&self) -> Option<Reason> {
        self.document.map(|_| {
            reason(
                ReasonKind::DocumentDate,
                "brevdato",
                "dato i brevhodet eller ved stedsnavn",
            )
        })
    }

    /// Why the stamp's date was given.
    pub fn stamp_reason(&self) -> Option<Reason> {
        self.stamped
            .map(|_| reason(ReasonKind::StampedDate, "stempel", "dato i mottaksstempel"))
    }
}

/// What the urgency model's reasons say to staff: beside weak cues, and
/// alone.
const URGENT_MODEL_LABEL: &str =
    "svake tegn på hast, og ligner på merkede hastebrev (statistisk modell)";
const URGENT_MODEL_ALONE_LABEL: &str = "ligner sterkt på merkede hastebrev (statistisk modell)";

/// The unit a letter is addressed to, and the rule that read it.
struct Addressed {
    unit: UnitId,
    fired: rules::Fired,
}

impl Addressed {
    fn into_unit(self, reasons: &mut Vec<Reason>) -> UnitId {
        reasons.push(Reason {
            kind: ReasonKind::Unit,
            target: self.fired.target,
            label: self.fired.label,
            weight: self.fired.weight,
        });
        self.unit
    }
}

/// The unit rules that pointed at the chosen unit.
fn unit_reasons(fired: Vec<rules::Fired>, unit: &str) -> impl Iterator<Item = Reason> + '_ {
    fired
        .into_iter()
        .filter(move |f| f.target == unit)
        .map(|f| Reason {
            kind: ReasonKind::Unit,
            target: f.target,
            label: f.label,
            weight: f.weight,
        })
}

fn reason(kind: ReasonKind, target: &str, label: &str) -> Reason {
    Reason {
        kind,
        target: target.to_owned(),
        label: label.to_owned(),
        weight: 1.0,
    }
}
