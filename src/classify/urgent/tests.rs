//! The urgency cues and the near need on sentences as letters write them.

use super::super::{fold, DEFAULT_RULES_TOML};
use super::*;

/// Whether the cues that fire reach the urgency threshold.
fn is_urgent(rules: &Rules, text: &str, date: Option<NaiveDate>) -> bool {
    rules.urgent_cues(&fold(text), date, None).score() >= rules.file.urgent.threshold
}

/// The labels of the cues that fire (not the writer's denial).
fn labels(rules: &Rules, text: &str, date: Option<NaiveDate>) -> Vec<String> {
    rules
        .urgent_cues(&fold(text), date, None)
        .cues
        .into_iter()
        .map(|f| f.label)
        .collect()
}

#[test]
fn a_need_a_few_days_after_the_letters_date_is_urgent() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let text = "Overføring av pasient – behov for hjemmesykepleie fra 28.11.2026\n\
                Han flytter.";
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
    assert!(labels(&rules, text, day(24)).contains(&need));
    // Three weeks ahead is planning, not a deadline; a date before the
    // letter is history; without the letter's date nothing is known.
    assert!(!labels(&rules, text, day(7)).contains(&need));
    assert!(!labels(&rules, text, day(30)).contains(&need));
    assert!(!labels(&rules, text, None).contains(&need));
    // A near date with no need beside it says nothing.
    let plain = "Sting skal fjernast 28.11.2026 av heimesjukepleia.";
    assert!(!labels(&rules, plain, day(24)).contains(&need));
    // A court hearing or an eviction fixed for the person within days
    // is a need of its own; weeks away it is not.
    let hearing =
        "Det er berammet hovedforhandling i tingretten torsdag 26. november 2026 kl. 09.00.";
    assert!(labels(&rules, hearing, day(24)).contains(&need));
    let later = "Hovedforhandling i tingretten er berammet til 26. november 2026.";
    assert!(labels(&rules, later, day(24)).contains(&need));
    assert!(!labels(&rules, later, day(2)).contains(&need));
    let eviction = "Fravikelsen gjennomføres fredag 27.11.2026 kl. 10.00.";
    assert!(labels(&rules, eviction, day(24)).contains(&need));
}

#[test]
fn a_need_reads_with_the_verb_second_and_in_the_infinitive() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let fires = |text: &str| labels(&rules, text, None).contains(&need);
    // The sentence opens with its moment, so the subject follows the
    // verb; a need ahead is a modal and an infinitive.
    assert!(fires(
        "Frå måndag morgon står far utan hjelp til medisinane."
    ));
    assert!(fires("Elles vil han stå utan insulin frå måndag."));
    assert!(fires("Om ingen kjem, må ho trenge hjelp i kveld."));
    // Only a subject may stand between: a negation is no subject.
    assert!(!fires("Frå måndag står far ikkje utan hjelp."));
}

#[test]
fn a_weekday_with_its_date_is_as_near_as_the_date() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    let fires = |text: &str, date| labels(&rules, text, date).contains(&need);
    // A pause for Christmas weeks ahead, written with its weekday.
    let pause = "Vi ber om pause i heimesjukepleia frå fredag 18. desember.";
    assert!(!fires(pause, day(11, 20)));
    assert!(fires(pause, day(12, 15)));
    // The weekday alone is still a moment within days.
    assert!(fires("Vi ber om pause i heimesjukepleia frå fredag.", None));
}

#[test]
fn a_need_tomorrow_in_words_is_urgent_a_habit_or_a_state_is_not() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let fires = |text: &str| labels(&rules, text, None).contains(&need);
    // No letter date needed: the moment is written as words.
    assert!(fires("Han blir løslatt på fredag og treng hjelp."));
    assert!(fires("Kommunen bes bekrefte mottak innen kl. 14.00 i dag."));
    assert!(fires("Vi ber om at kommunen tar kontakt med ham i kveld."));
    // Someone must come today: an appeal for help, however phrased.
    assert!(fires(
        "Noen fra kommunen må komme og se til ham i løpet av dagen."
    ));
    // "I dag" tells the present state, not a deadline.
    assert!(!fires("Ho treng tilsyn om natta, som vi tek sjølve i dag."));
    assert!(!fires("Takk for praten i dag. Vi trenger et samtykke."));
    // The verb comes second when the moment opens the sentence.
    assert!(fires("I kveld må nokon kome, eg rekk ikkje heim."));
    assert!(!fires("I fjor måtte nokon kome kvar kveld."));
    // A habit, the past, the present state, a start, a negated need.
    assert!(!fires("Hun trenger hjelp hver fredag."));
    assert!(!fires(
        "I dag har eg hjelp to gonger i veka, og treng meir."
    ));
    assert!(!fires(
        "Matombringinga stoppes fra i dag, ber om bekreftelse."
    ));
    assert!(!fires("Han trenger ikke hjelp i morgen."));
    // Two weekdays joined are a week's schedule, not a moment.
    assert!(!fires("Eg ønsker tirsdag og torsdag. Han trenger skyss."));
    assert!(!fires("Han trenger hjelp mandag eller onsdag."));
}

#[test]
fn urgency_asked_about_denied_or_said_in_passing_is_none() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str| is_urgent(&rules, text, None);
    // A form's question answered no; answered yes it is urgent.
    assert!(!urgent("Haster søknaden? [ ] Ja [x] Nei"));
    assert!(!urgent("HASTESAK? ( ) Ja (X) Nei"));
    assert!(!urgent("Haster det? Nei. Ordinær tilvising."));
    assert!(urgent("Haster søknaden? [x] Ja [ ] Nei"));
    // A condition in an instruction.
    assert!(!urgent(
        "Om det hastar, til dømes ved blodsukker over 20, ring legevakta."
    ));
    // A relative clause under a negation, however long.
    assert!(!urgent(
        "Dette er ikke noe som må ordnes med en gang, ta det når det passer."
    ));
    assert!(urgent("Dette må ordnes med en gang."));
    // A phrase may qualify what is denied before its clause opens.
    assert!(!urgent(
        "Det er ikke noe i saken som haster, men jeg tar gjerne et møte."
    ));
    assert!(!urgent("Det er ikkje noko her som hastar."));
    // A denied thing and a cue in its own clause after it are two things.
    assert!(urgent(
        "Vi har ikke noe tilbud i helgen. Dette haster, han er alene og har ikke mat."
    ));
    // "To say it right away" is an idiom.
    assert!(!urgent(
        "Han er aldri voldelig, det vil jeg si med en gang."
    ));
}

#[test]
fn a_deadline_in_days_is_seen_in_more_phrasings() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str, date| is_urgent(&rules, text, date);
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
    // An eviction on a near date; a moment that wraps over a line.
    assert!(urgent(
        "Utleier har sagt opp, og han må være ute mandag 30.11.2026.",
        day(24)
    ));
    assert!(urgent(
        "Vi ber om at kommunen oppsøker henne i løpet\nav dagen.",
        None
    ));
    assert!(urgent(
        "Vi ber om at kommunen øker tjenestene, senest innen helgen.",
        None
    ));
    // A person alone with nothing tonight (two weak cues); alone with
    // nothing is a need, not yet an emergency.
    let alone = "Hun har ikke spist siden i går, og det er ingen barn i nærheten.";
    assert!(!urgent(alone, None));
    assert!(urgent(&format!("{alone} Jeg er borte i natt."), None));
    assert!(urgent("Kan noen fra kommunen dra dit i kveld?", None));
    // A span that ends today is history; a message promised for later
    // is not a discharge now.
    assert!(!urgent(
        "Jeg ber om kopi av journalen fra 2024 til i dag.",
        None
    ));
    assert!(!urgent(
        "Vi sender melding om utskrivningsklar pasient når det nærmer seg.",
        None
    ));
    assert!(urgent("Pasienten er utskrivningsklar.", None));
}

#[test]
fn a_day_without_a_year_is_near_when_it_reads_as_a_deadline() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
    let fires = |text: &str, date| labels(&rules, text, date).contains(&need);
    // After a weekday or "frå": the day the need begins.
    assert!(fires("Behov for heimesjukepleie frå 16. november", day(12)));
    assert!(fires(
        "Han avslutter behandlingen torsdag 12.11. og har ikke noe sted å bo.",
        day(9)
    ));
    // A bare day in an epicrisis is a follow-up.
    assert!(!fires(
        "Hjemmesykepleien bes ta sting. Kontroll hos fastlege 20.11.",
        day(16)
    ));
    // A need the writer says is no longer there.
    assert!(!fires(
        "Alarmen treng ho difor ikkje meir, seie han opp frå 1. desember.",
        day(27)
    ));
}

#[test]
fn a_near_moment_in_everyday_spelling_is_seen() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let fires = |text: &str| labels(&rules, text, None).contains(&need);
    assert!(fires(
        "kan nokon dra til ho idag eller imorgo å sjå til ho??"
    ));
    assert!(fires("Ber om at dere ser til henne i formiddag."));
    assert!(fires(
        "Jeg er redd for at noe alvorlig skjer i løpet av helgen."
    ));
    assert!(fires("Han vert lauslaten frå fengselet på måndag."));
}

#[test]
fn a_danger_to_life_with_the_writers_fear_is_urgent() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str| is_urgent(&rules, text, None);
    let life = "Han seier at det ikkje er noko å leve for lenger.";
    assert!(urgent(&format!("{life} Eg er redd for han.")));
    // Either alone is a worry, not an emergency; so is a fear in one
    // paragraph and a question for tomorrow in another.
    assert!(!urgent(life));
    assert!(!urgent("Jeg er redd for at det blir verre i vinter."));
    assert!(!urgent(
        "Jeg er redd for at det blir verre.\n\nSøn 15.11 Meg: ringe legen i morgen?"
    ));
}

#[test]
fn two_kinds_of_suicide_warning_sign_are_urgent_one_is_a_worry() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str| is_urgent(&rules, text, None);
    // Hopelessness and giving things away, in a sister's words.
    assert!(urgent(
        "I går sa han at det ikke er noen vits lenger. Han har gitt bort \
         gitaren sin til en kamerat."
    ));
    // Being a burden and a plan, in the person's own.
    assert!(urgent(
        "eg tenkjer at alle hadde hatt det betre utan meg. dei siste dagane \
         har eg tenkt meir og meir på korleis eg kunne ha gjort det."
    ));
    // One sign alone, or a gift in an ordinary move, is no emergency.
    assert!(!urgent("Han sier at det ikke er noen vits lenger å søke."));
    assert!(!urgent(
        "Mor har gitt bort møblene sine før hun flytter på sykehjem."
    ));
}

#[test]
fn two_signs_of_a_psychosis_coming_on_are_urgent_one_is_a_worry() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str| is_urgent(&rules, text, None);
    // Sleepless for days and shut in, in a mother's nynorsk.
    assert!(urgent(
        "Sidan måndag har han nesten ikkje sove. I går hadde han sett ein \
         kommode framfor døra, og han vil ikkje sleppe oss inn."
    ));
    // Believing himself watched and barricaded, in bokmål.
    assert!(urgent(
        "Han sier at naboene overvåker ham, og han har barrikadert seg i leiligheten."
    ));
    // One sign, or a course behind him, is no emergency.
    assert!(!urgent(
        "Han har hørt stemmer i mange år og har god oppfølging."
    ));
    assert!(!urgent(
        "Eg har ikkje sove ei heil natt sidan i sommar, så vi søkjer avlastning."
    ));
}

#[test]
fn a_threat_at_home_with_a_demand_for_speed_is_urgent() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str| is_urgent(&rules, text, None);
    assert!(urgent(
        "Han sa at eg skulle «passe meg» dersom eg ringde nokon. \
         Ring meg så fort de får dette."
    ));
    assert!(!urgent(
        "Ring meg så fort de får dette, så avtaler vi et møte."
    ));
}

#[test]
fn an_old_person_in_a_cold_empty_house_is_urgent() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str| is_urgent(&rules, text, None);
    assert!(urgent(
        "I går var det seks grader inne og vedovnen var kald. \
         Kjøleskapet var tomt."
    ));
    assert!(!urgent(
        "Vi har hatt det kaldt i huset i vinter, men nå er varmepumpa ny."
    ));
}

#[test]
fn a_life_near_its_end_at_home_is_urgent_a_course_is_not() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |text: &str| is_urgent(&rules, text, None);
    assert!(urgent(
        "Legane seier det ikkje er meir behandling å gje. Ho vart skriven ut \
         etter ein palliativ samtale og vil vere heime den tida ho har att."
    ));
    assert!(!urgent(
        "Velkommen til fagdag om palliativ omsorg i sykehjem."
    ));
    // Counts of discharge-ready patients are statistics, not a patient.
    assert!(!urgent(
        "Hvor mange utskrivningsklare pasienter har kommunen betalt for i år?"
    ));
}

#[test]
fn a_negation_reaches_only_within_the_cues_clause() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let fires = |text: &str| !labels(&rules, text, None).is_empty();
    assert!(fires("Far kan ikke bo alene, ikke én eneste natt."));
    assert!(fires("Det er ikke akutt, men det haster."));
    assert!(!fires("Det haster ikke."));
    assert!(!fires("Dette er ikke akutt."));
}

#[test]
fn once_a_week_is_not_at_once() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let text = "noen jeg kan trene sammen med\nen gang i uka";
    assert!(labels(&rules, text, None).is_empty());
    assert!(!labels(&rules, "Kom med en gang!", None).is_empty());
}

#[test]
fn hurrying_the_case_is_not_a_persons_need() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let urgent = |t: &str| is_urgent(&rules, t, None);
    assert!(!urgent("Vi ber om at klaga blir handsama snarast."));
    assert!(!urgent("Vi ber om svar snarest, og senest innen 4 uker."));
    assert!(!urgent("Endringen gjelder fra: straks"));
    // The need itself, or a need with a reply wanted before it, is.
    assert!(urgent(
        "Mor kan ikke være alene, hun trenger hjelp snarest."
    ));
    assert!(urgent(
        "Han kan ikkje vere åleine. Eg søkjer om avlasting frå i morgon, og eg må ha svar før helga."
    ));
    // Treatment, payment and a reply named in a need's own sentence do
    // not make it the case's pace.
    assert!(urgent(
        "Han ble behandlet for lungebetennelse og er utskrivningsklar i morgen."
    ));
    assert!(urgent(
        "Jeg klarer ikke å betale regningen, og de stenger strømmen i morgen."
    ));
    // A case phrase reaches only its own sentence.
    assert!(urgent(
        "Vi ber om svar. Mor kan ikke være alene, hun trenger hjelp snarest."
    ));
}

#[test]
fn a_demand_with_a_moment_within_days_is_a_need() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let fires = |text: &str| labels(&rules, text, None).contains(&need);
    assert!(fires(
        "Vi krever at nattbesøket blir gjeninnført før helga."
    ));
    assert!(fires("Eg forventar at nokon ringjer meg i morgon."));
    // A demand without a near moment is the case's business, not a deadline.
    assert!(!fires("Jeg krever at saken vurderes på nytt."));
    assert!(!fires("Me krev at kommunen betaler kostnadene."));
}

#[test]
fn help_demanded_now_is_urgent() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    assert!(is_urgent(
        &rules,
        "hei. eg må få hjelp no, eg klarer ikkje meir.",
        None
    ));
    assert!(is_urgent(&rules, "Jeg må ha hjelp nå!", None));
    // Help needed now without the modal is the present state of a need.
    assert!(!is_urgent(&rules, "Ho treng meir hjelp no enn før.", None));
}

#[test]
fn a_moment_denied_or_counted_is_no_deadline() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let fires = |text: &str| labels(&rules, text, None).contains(&need);
    assert!(fires("Vi ber om at noen kommer i kveld."));
    // The visit called off, and a need counted through the night.
    assert!(!fires(
        "Vi ber om at tjenestene avsluttes. Dere trenger altså ikke komme i kveld."
    ));
    assert!(!fires(
        "Personalet ser at hun trenger hjelp mange ganger i løpet av natten."
    ));
}

#[test]
fn a_moment_counted_in_days_is_read_by_its_count() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let fires = |text: &str| labels(&rules, text, None).contains(&need);
    // Any count a writer gives, in digits, words or a range, in days,
    // nights or hours.
    assert!(fires(
        "Vi ber om et møte med ham innen 1-2 dager etter at han kommer hjem."
    ));
    assert!(fires("Ho treng tilsyn innan to døgn."));
    assert!(fires("Han skrives ut om 3 dagar og trenger hjelp."));
    assert!(fires("Vi ber om at dere tar kontakt i løpet av 48 timer."));
    assert!(fires("Noen må se til henne innen 2–3 dager."));
    // An amount asked for is no moment.
    assert!(!fires("Vi søker om 40 timer BPA i uka, han trenger hjelp."));
    assert!(!fires("Mor søkjer om to døgn avlasting, ho treng kvile."));
    // A week or more is the case's pace, not a moment within days.
    assert!(!fires("Vi ber om svar innen 14 dager."));
    assert!(!fires("Han trenger hjelp om fem dager."));
    assert!(!fires("Vi ber om tilbakemelding innen 7 virkedager."));
    assert!(!fires(
        "Hun trenger hjelp, og vi ber om svar innen 96 timer."
    ));
    // A count without a need beside it says nothing, and neither does a
    // count denied or a habit.
    assert!(!fires("Pakken kom innen to dager."));
    assert!(!fires("Vi trenger ikke svar innen to dager."));
}

#[test]
fn a_deadline_is_near_from_the_day_the_letter_was_received() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    let fires = |text: &str, dated, stamped| {
        rules
            .urgent_cues(&fold(text), dated, stamped)
            .cues
            .into_iter()
            .any(|f| f.label == need)
    };
    let deadline = "Frist for svar er 7. desember 2026.";
    // Eleven days after the letter's date, but a week after the stamp.
    assert!(fires(deadline, day(11, 26), day(11, 30)));
    assert!(!fires(deadline, day(11, 26), None));
    // Undated, the stamp alone sets the window.
    assert!(fires(deadline, None, day(12, 1)));
    // A digital letter's arrival is its receipt: a move on Monday 7
    // December, in a letter dated 26 November that came on 1 December.
    let moving = "Vi ber om at de set i verk heimesjukepleie frå flyttedagen, måndag 7. desember.";
    assert!(fires(moving, day(11, 26), day(12, 1)));
    assert!(!fires(moving, day(11, 26), None));
    // A letter that reaches the post room weeks after its date was held up
    // on the way: its own date bounds the window.
    assert!(!fires(moving, day(11, 10), day(12, 1)));
    assert!(!fires(deadline, day(11, 20), day(12, 1)));
    // A date before the letter is history, whatever the stamp says.
    assert!(!fires(
        "Frist for svar var 20.11.2026.",
        day(11, 26),
        day(11, 30)
    ));
    // A weekday counted from another week is a schedule.
    let schedule = "Frist for endringer blir dermed torsdag uken før, kl. 12.00.";
    assert!(!fires(schedule, day(11, 26), None));
    assert!(fires(
        "Frist for endringer er torsdag, kl. 12.00.",
        day(11, 26),
        None
    ));
    // A planned discharge is a need of its own.
    let discharge = "Planlagd utskriving: torsdag 03.12.2026 kl. 12:00";
    assert!(fires(discharge, day(12, 2), None));
    assert!(!fires(discharge, day(11, 2), None));
}

#[test]
fn a_heading_is_its_own_sentence() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    // "Kopi av" below would put off a "haster" in its own sentence; the
    // heading above the blank line is not in it.
    let letter = "BEGJÆRING OM INNSYN - HASTER\n\nJeg ber om kopi av journalen min.";
    assert!(is_urgent(&rules, letter, None));
    let one_sentence = "Jeg ber om kopi av journalen min, det haster ikke med svar.";
    assert!(!is_urgent(&rules, one_sentence, None));
    let same_sentence = "Send kopi av journalen, det haster.";
    assert!(!is_urgent(&rules, same_sentence, None));
}

#[test]
fn a_threat_or_a_weapon_is_urgent() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    assert!(is_urgent(
        &rules,
        "Han har truet ansatte ved to besøk, ved ett tilfelle med kniv.",
        None
    ));
    assert!(is_urgent(
        &rules,
        "Ho har kome med truslar mot personalet.",
        None
    ));
    assert!(!is_urgent(
        &rules,
        "Det har ikke vært trusler mot ansatte.",
        None
    ));
}

#[test]
fn the_words_of_a_counted_moment_are_the_rules_files() {
    let default = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let text = "Han skrives ut om 3 dagar og trenger hjelp.";
    let fires = |rules: &Rules| {
        let need = rules.file.urgent.near_need.clone().unwrap().label;
        labels(rules, text, None).contains(&need)
    };
    assert!(fires(&default));
    let leads = r#"count_leads = ["innen", "innan", "om", "i løpet av"]"#;
    assert!(DEFAULT_RULES_TOML.contains(leads));
    let only_innen = DEFAULT_RULES_TOML.replace(leads, r#"count_leads = ["innen"]"#);
    let rules = Rules::from_toml(&only_innen, "test").unwrap();
    assert!(!fires(&rules));
    // A rules file must name something to count by.
    let none = DEFAULT_RULES_TOML.replace(leads, "count_leads = []");
    assert!(Rules::from_toml(&none, "test").is_err());
}

#[test]
fn the_writers_own_word_that_it_is_not_urgent_weighs_against_the_cues() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let denial = |text: &str| rules.urgent_cues(&fold(text), None, None).denial.is_some();
    // «Haster» negated after its subject, as Norwegian puts it.
    assert!(denial("Slik eg vurderer det hastar det ikkje akutt."));
    assert!(denial("Dette haster ikke, det holder fint fra nyttår."));
    assert!(denial("Haster søknaden? [ ] Ja [x] Nei"));
    assert!(!is_urgent(
        &rules,
        "Slik eg vurderer det hastar det ikkje.",
        None
    ));
    // A clinician ruling out one danger denies nothing about the letter.
    assert!(!denial(
        "Eg vurderer at det ikkje er akutt sjølvmordsfare no."
    ));
    assert!(!denial("Det haster, og vi kan ikke vente til neste uke."));
    // A denial outweighs one cue.
    assert!(!is_urgent(
        &rules,
        "Det haster ikke, men ta kontakt med meg så snart som mulig.",
        None
    ));
}

#[test]
fn the_first_time_a_care_task_is_done_at_home_is_a_need() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
    let plan = "1. Skift annenhver dag, første gang hjemme 02.12.2026.";
    assert!(is_urgent(&rules, plan, day(30)));
    // A first time weeks ahead is planning.
    assert!(!is_urgent(&rules, plan, day(2)));
}

#[test]
fn a_patient_approaching_discharge_readiness_is_not_ready() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    assert!(!is_urgent(
        &rules,
        "Vi vil sende ny melding når pasienten nærmer seg utskrivningsklar.",
        None
    ));
    assert!(is_urgent(&rules, "Pasienten er utskrivningsklar.", None));
}

#[test]
fn a_safety_aid_that_does_not_work_is_urgent() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    // The aid with its failure after it, a possessive or an owner between.
    for broken in [
        "Tryggleiksalarmen min har ikkje verka sidan i helga.",
        "Trygghetsalarmen til mor virker ikke, og hun bor alene.",
        "Medisindispenseren hans er i ustand.",
    ] {
        assert!(is_urgent(&rules, broken, None), "{broken}");
    }
    // The aid alone is a service, a failure alone may be anything, and a
    // failure in the next sentence is not the aid's.
    for calm in [
        "Mor har trygghetsalarm og får hjemmesykepleie morgen og kveld.",
        "Dørklokka virker ikke, så ring på mobilen.",
        "Vi har fått ny trygghetsalarm. Nøkkelboksen virker ikke helt som den skal.",
        "Alarmen ble testet i dag, og den fungerer som den skal.",
    ] {
        assert!(!is_urgent(&rules, calm, None), "{calm}");
    }
}

#[test]
fn a_cue_in_a_conditional_clause_may_come_and_is_not_the_letters_need() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    for condition in [
        "Kontoret er stengt i romjula. Ved akutt behov når kontoret er stengt, ring legevakta.",
        "Neste kontroll er om seks månader, med mindre det er akutt behov.",
        "Vi har avslutta tenesta. Dersom det blir akutt behov for hjelp igjen, tek du kontakt.",
        "Jeg er redd for at alt ramler sammen hvis dette blir borte med en gang.",
        "Om det hastar, ring legevakta.",
    ] {
        assert!(!is_urgent(&rules, condition, None), "{condition}");
    }
    // The same need said as the writer's own, and a condition that
    // closes before the cue's clause opens.
    for need in [
        "Det er akutt behov for hjelp, far kan ikkje vere åleine.",
        "Dersom dere lurer på noe, ring meg. Mor har akutt behov for tilsyn.",
        // A condition negated is a warning of what happens unless the
        // need is met now.
        "Det kan bli uforsvarlig for barna dersom det ikke settes inn tiltak umiddelbart.",
    ] {
        assert!(is_urgent(&rules, need, None), "{need}");
    }
}

#[test]
fn a_hospitals_promise_of_its_later_notice_is_no_patient_ready_now() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    for later in [
        "Forventet liggetid er 7-10 dager. Vi sender melding om utskrivningsklar pasient når det blir aktuelt.",
        "Pasienten er innlagd. Ny melding kjem når pasienten blir vurdert som utskrivingsklar.",
    ] {
        assert!(!is_urgent(&rules, later, None), "{later}");
    }
    assert!(is_urgent(
        &rules,
        "MELDING OM UTSKRIVNINGSKLAR PASIENT\nPasienten er vurdert utskrivningsklar i dag.",
        None
    ));
}

#[test]
fn what_was_done_at_once_told_in_the_past_is_no_need_now() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    for story in [
        "Takk! Ho såg at noko var gale og ringde legevakta med ein gong.",
        "Da han var dårlig forrige helg ringte Linda meg med en gang.",
        "Dere kom snarest, og det er vi takknemlige for.",
    ] {
        assert!(!is_urgent(&rules, story, None), "{story}");
    }
    // The same verb asked for now, or far from the cue, is no story.
    for need in [
        "Kan noen ringe meg med en gang? Far har falt.",
        "Han kom hjem fra sykehuset i går, og nå må noen komme snarest.",
    ] {
        assert!(is_urgent(&rules, need, None), "{need}");
    }
}

#[test]
fn tomorrow_as_people_write_it_in_a_message_is_near() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    for text in [
        "kan noen ringe meg i morra. trenger hjelp",
        "Kan nokon kome innom imorra? Ho treng hjelp med medisinane.",
        "Eg treng hjelp i mårå, kona er borte.",
    ] {
        assert!(is_urgent(&rules, text, None), "{text}");
    }
    // A habit is no moment.
    assert!(!is_urgent(
        &rules,
        "Ho treng hjelp kvar fredag, og no ønskjer ho hjelp ein dag til.",
        None
    ));
}

#[test]
fn a_weekday_whose_date_wraps_onto_the_next_line_is_as_near_as_its_date() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let dated = NaiveDate::from_ymd_opt(2026, 11, 18);
    // The first cleaning in a month's time, the date on the next line.
    let wrapped = "så vi klarer oss med rengjøring annenhver uke. Første gang blir da fredag\n\
                   18.12.2026, og så 01.01.2027 osv.";
    assert!(!labels(&rules, wrapped, dated).contains(&need));
    // The weekday alone, or its date near, is still near.
    let alone = "Første gang blir da fredag,\nog så annenhver uke etter det.";
    assert!(labels(&rules, alone, dated).contains(&need));
    let near = "Første gang blir da fredag\n20.11.2026, og så annenhver uke.";
    assert!(labels(&rules, near, dated).contains(&need));
}

#[test]
fn a_judgement_denied_before_its_som_denies_the_cue() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let ready = "utskrivningsklar pasient (svakt)";
    let fired = |text: &str| {
        labels(&rules, text, None)
            .iter()
            .any(|l| l.starts_with("utskrivningsklar") || l == ready)
    };
    assert!(!fired(
        "Pasienten er foreløpig ikke vurdert som utskrivningsklar."
    ));
    assert!(!fired("Ho er ikkje rekna som utskrivingsklar enno."));
    // Said of the patient, it stands.
    assert!(fired(
        "Pasienten er vurdert som utskrivningsklar fra i dag."
    ));
}

#[test]
fn a_thank_you_is_for_what_was_done() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let weak = |text: &str| rules.urgent_cues(&fold(text), None, None).score();
    assert_eq!(weak("Takk for raskt svar. Da gjør vi det slik."), 0.0);
    assert!(weak("Vi trenger raskt svar på om mor får plass.") > 0.0);
}

/// A case phrase paces the cue beside it ("Vi ber om svar snarest"), not a
/// request for a visit now that the same sentence closes with an answer.
#[test]
fn a_case_phrase_paces_only_the_cue_beside_it() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let weak = |text: &str| rules.urgent_cues(&fold(text), None, None).score();
    assert_eq!(weak("Vi ber om svar snarest."), 0.0);
    assert_eq!(weak("Vi ber om at saka blir handsama snarast."), 0.0);
    assert!(
        weak(
            "Vi ber om at heimetenesta straks kontrollerer korleis det står til med \
             brukaren og sjekkar alarmen, og gjev responssenteret tilbakemelding."
        ) > 0.0
    );
}

#[test]
fn moments_are_the_words_beside_an_event_within_days_of_receipt() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
    let text = fold(
        "Mo i Rana, 20.11.2026\n\
         Korttidsopphaldet til mor sluttar fredag 27.11.2026.\n\
         Ny kontroll på poliklinikken 15.01.2027.",
    );
    let moments = rules.moments(&text, day(20), day(24));
    // The event four days after receipt, with its words (nynorsk read as
    // bokmål); the date line and the stamp day are no event.
    assert!(moments.contains("m_near"));
    assert!(moments.contains("m_korttidsopphaldet") || moments.contains("m_korttidsoppholdet"));
    assert!(moments.contains("m_fredag"));
    assert!(!moments.contains("m_rana"));
    // The check-up weeks ahead only says that a date lies later.
    assert!(moments.contains("m_later"));
    assert!(!moments.contains("m_poliklinikken"));
    // Received after the stay has ended: the event is no longer ahead.
    let late = rules.moments(
        &text,
        day(20),
        Some(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
    );
    assert!(!late.contains("m_near"));
    // Without a date to count from there are no moments.
    assert!(rules.moments(&text, None, None).is_empty());
}

/// The day a new care task starts, written without a year in a discharge
/// summary's plan, is a need when it falls within days of the letter.
#[test]
fn a_task_starting_within_days_of_the_letter_is_a_near_need() {
    let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
    let need = rules.file.urgent.near_need.clone().unwrap().label;
    let text = "Videre plan:\n- Sårskift annenhver dag, første gang 29.11., med lett bandasje.\n\
                - Kontroll poliklinikk om 3 uker.";
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    assert!(labels(&rules, text, day(11, 27)).contains(&need));
    assert!(is_urgent(&rules, text, day(11, 27)));
    // Weeks ahead it is planning; before the letter it is history.
    assert!(!labels(&rules, text, day(11, 2)).contains(&need));
    assert!(!labels(&rules, text, day(12, 10)).contains(&need));
    let nynorsk = "Sårstell kvar tredje dag, fyrste gong 30.11.";
    assert!(labels(&rules, nynorsk, day(11, 27)).contains(&need));
}
