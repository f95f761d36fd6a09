//! Report contents on a real on-disk store: backlog per caseworker with ages
//! in working days (across Easter and 17 May), every deviation kind, the post
//! list with masked person data, open access requests; and the CLI formats.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use postmottak::classify::{ClassifyConfig, Taxonomy};
use postmottak::config::Config;
use postmottak::item::ItemId;
use postmottak::mail::compose::{self, Composed};
use postmottak::report::{self, Report, ReportContext};
use postmottak::store::Store;
use seed::*;

fn ctx<'a>(store: &'a Store, config: &'a Config, now: DateTime<Utc>) -> ReportContext<'a> {
    ReportContext {
        store,
        reports: &config.raw.reports,
        retention: &config.raw.retention,
        taxonomy: Arc::new(Taxonomy::from_config(config).unwrap()),
        now,
    }
}

/// One report row: the item it names (if any) and its cells.
type Row = (Option<i64>, Vec<String>);

/// (heading, rows) per section.
fn sections(report: &Report) -> Vec<(String, Vec<Row>)> {
    report
        .sections
        .iter()
        .map(|s| {
            (
                s.heading.clone(),
                s.rows
                    .iter()
                    .map(|r| (r.item.map(|i| i.0), r.cells.clone()))
                    .collect(),
            )
        })
        .collect()
}

fn ids_in(report: &Report, heading_start: &str) -> Vec<i64> {
    let section = report
        .sections
        .iter()
        .find(|s| s.heading.starts_with(heading_start))
        .unwrap_or_else(|| panic!("no section {heading_start:?}"));
    section
        .rows
        .iter()
        .filter_map(|r| r.item.map(|i| i.0))
        .collect()
}

struct World {
    _dir: tempfile::TempDir,
    config: Config,
    store: Store,
    a_old: ItemId,
    b_new: ItemId,
    c_per: ItemId,
    queued_fresh: ItemId,
    queued_old: ItemId,
    rejected: ItemId,
    duplicate: ItemId,
    flagged: ItemId,
    innsyn: ItemId,
    sept_scan: ItemId,
}

/// Thursday 3 December 2026 is "now" for this store.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "[reports]\nunregistered_limit_days = 10\n");
    let store = open(&config);
    let kari = user(&store, "kari", "Kari Saksbehandler", "caseworker", None);
    let per = user(&store, "per", "Per Saksbehandler", "caseworker", None);
    let allocated = |who: i64, at, title: &'static str| Seed {
        allocated_to: Some(who),
        title,
        ..Seed::digital(at, "allocated")
    };
    let a_old = item(
        &store,
        &allocated(kari, oslo(2026, 11, 2, 9, 0), "Klage på vedtak om BPA"),
    );
    let b_new = item(
        &store,
        &allocated(kari, oslo(2026, 12, 1, 9, 0), "Søknad om omsorgsstønad"),
    );
    person_id(&store, b_new, "018809*****");
    let c_per = item(
        &store,
        &allocated(per, oslo(2026, 11, 30, 9, 0), "Endring av tjeneste"),
    );
    item(
        &store,
        &Seed {
            allocated_to: Some(kari),
            ..Seed::digital(oslo(2026, 11, 3, 9, 0), "registered")
        },
    );
    let queued_fresh = item(&store, &Seed::digital(oslo(2026, 12, 2, 9, 0), "queued"));
    let queued_old = item(&store, &Seed::digital(oslo(2026, 11, 30, 9, 0), "queued"));
    let rejected = item(
        &store,
        &Seed {
            reject_code: Some("encrypted"),
            file_name: "brev_01880912345.pdf".into(),
            ..Seed::digital(oslo(2026, 12, 1, 9, 0), "rejected")
        },
    );
    let duplicate = item(
        &store,
        &Seed {
            duplicate_of: Some(a_old),
            ..Seed::digital(oslo(2026, 12, 2, 10, 0), "duplicate")
        },
    );
    let flagged = item(
        &store,
        &Seed {
            quality_flags: r#"["low_ocr_confidence"]"#,
            ..Seed::scan(oslo(2026, 12, 2, 11, 0), "registered")
        },
    );
    item(
        &store,
        &Seed {
            quality_flags: r#"["blank_pages"]"#,
            quality_cleared: true,
            ..Seed::scan(oslo(2026, 12, 2, 12, 0), "registered")
        },
    );
    let innsyn = item(
        &store,
        &Seed {
            document_type: "innsyn",
            title: "Begjæring om innsyn i egen journal",
            ..Seed::digital(oslo(2026, 11, 25, 9, 0), "queued")
        },
    );
    person_id(&store, innsyn, "150880*****");
    item(
        &store,
        &Seed {
            document_type: "innsyn",
            ..Seed::digital(oslo(2026, 11, 24, 9, 0), "registered")
        },
    );
    // September's shelf is blocked on 3 December by this unregistered scan.
    let sept_scan = item(&store, &Seed::scan(oslo(2026, 9, 10, 9, 0), "queued"));
    // A mail the server refused for good.
    let notice = Composed {
        notice_key: "test:refused".into(),
        kind: "shelf_ready",
        subject: "Makuleringshylle august 2026 kan makuleres".into(),
        text: "x".into(),
        html: "<p>x</p>".into(),
        attachment: None,
    };
    let recipients = vec!["ukjent@example.kommune.no".to_owned()];
    compose::enqueue(
        &store,
        "postmottak@example.kommune.no",
        &recipients,
        &notice,
        Utc::now(),
    )
    .unwrap();
    let row = postmottak::store::outbox::outbox_rows(&store).unwrap()[0].id;
    postmottak::store::outbox::mark_mail_failed(&store, row, "550 mailbox unavailable").unwrap();
    World {
        _dir: dir,
        config,
        store,
        a_old,
        b_new,
        c_per,
        queued_fresh,
        queued_old,
        rejected,
        duplicate,
        flagged,
        innsyn,
        sept_scan,
    }
}

fn thursday() -> DateTime<Utc> {
    oslo(2026, 12, 3, 10, 0)
}

#[test]
fn backlog_lists_each_caseworkers_unregistered_items_oldest_first_with_working_day_ages() {
    let w = world();
    let report = report::backlog(&ctx(&w.store, &w.config, thursday()), None, None).unwrap();
    let got = sections(&report);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, "Kari Saksbehandler (2)");
    let kari: Vec<(i64, &str, &str)> = got[0]
        .1
        .iter()
        .map(|(id, c)| (id.unwrap(), c[1].as_str(), c[2].as_str()))
        .collect();
    // 2 November → 3 December: 23 working days; 1 December: 2.
    assert_eq!(
        kari,
        vec![
            (w.a_old.0, "2026-11-02", "23"),
            (w.b_new.0, "2026-12-01", "2")
        ]
    );
    assert_eq!(got[0].1[1].1[6], "018809*****");
    assert_eq!(got[1].0, "Per Saksbehandler (1)");
    assert_eq!(got[1].1[0].0, Some(w.c_per.0));
}

#[test]
fn working_day_ages_skip_easter_and_17_may() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "");
    let store = open(&config);
    let kari = user(&store, "kari", "Kari", "caseworker", None);
    let seed = |at| Seed {
        allocated_to: Some(kari),
        ..Seed::digital(at, "allocated")
    };
    // Wednesday before Easter 2026; Thursday to Monday are holidays.
    item(&store, &seed(oslo(2026, 4, 1, 15, 0)));
    // Tuesday 16 May 2028; Wednesday 17 May is a holiday.
    item(&store, &seed(oslo(2028, 5, 16, 15, 0)));
    let age_on = |now| {
        report::backlog(&ctx(&store, &config, now), None, None)
            .unwrap()
            .sections[0]
            .rows
            .iter()
            .map(|r| r.cells[2].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(age_on(oslo(2026, 4, 6, 12, 0))[0], "0", "Easter Monday");
    assert_eq!(age_on(oslo(2026, 4, 7, 12, 0))[0], "1");
    assert_eq!(age_on(oslo(2028, 5, 17, 12, 0))[1], "0", "17 May");
    assert_eq!(age_on(oslo(2028, 5, 18, 12, 0))[1], "1");
}

#[test]
fn the_deviation_report_names_every_kind_of_deviation() {
    let w = world();
    let report = report::deviation(&ctx(&w.store, &w.config, thursday()), None).unwrap();
    assert_eq!(ids_in(&report, "Avviste filer"), vec![w.rejected.0]);
    assert_eq!(ids_in(&report, "Åpne kvalitetsavvik"), vec![w.flagged.0]);
    assert_eq!(ids_in(&report, "Duplikater"), vec![w.duplicate.0]);
    // Older than one working day and not allocated; the fresh one is not late.
    let unallocated = ids_in(&report, "Ikke fordelt");
    assert_eq!(unallocated, vec![w.sept_scan.0, w.innsyn.0, w.queued_old.0]);
    assert!(!unallocated.contains(&w.queued_fresh.0));
    assert_eq!(
        ids_in(&report, "Fordelt, men ikke registrert"),
        vec![w.a_old.0]
    );
    let text = report::render_text(&report);
    assert!(text.contains("brev_018809*****.pdf"), "{text}");
    assert!(
        !text.contains("01880912345"),
        "a person number leaked: {text}"
    );
    assert!(text.contains("passordbeskyttet"), "{text}");
    let shelves = &report
        .sections
        .iter()
        .find(|s| s.heading == "Blokkerte makuleringshyller")
        .unwrap()
        .rows;
    assert_eq!(shelves.len(), 1);
    assert_eq!(shelves[0].cells[0], "september 2026");
    assert_eq!(shelves[0].cells[2], "1 dokument er ikke registrert");
    assert_eq!(shelves[0].cells[3], w.sept_scan.0.to_string());
    let mail = &report
        .sections
        .iter()
        .find(|s| s.heading == "E-post som ikke kan leveres")
        .unwrap()
        .rows;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].cells[5].contains("550"));
}

#[test]
fn the_post_list_covers_the_period_with_person_data_masked() {
    let w = world();
    let c = ctx(&w.store, &w.config, thursday());
    let report = report::post_list(&c, day(2026, 12, 1), day(2026, 12, 2)).unwrap();
    let mut ids = ids_in(&report, "Inngående post");
    ids.sort();
    let mut expected = vec![w.b_new.0, w.queued_fresh.0, w.duplicate.0, w.flagged.0];
    expected.push(w.flagged.0 + 1); // the cleared scan
    expected.sort();
    assert_eq!(
        ids, expected,
        "refused files are not post; the period is inclusive"
    );
    let row = &report.sections[0]
        .rows
        .iter()
        .find(|r| r.item == Some(w.b_new))
        .unwrap();
    assert_eq!(row.cells[6], "018809*****");
    assert!(report::post_list(&c, day(2026, 12, 2), day(2026, 12, 1)).is_err());
}

#[test]
fn open_access_requests_are_listed_with_their_age() {
    let w = world();
    let report = report::access_requests(&ctx(&w.store, &w.config, thursday()), None).unwrap();
    let rows = &report.sections[0].rows;
    assert_eq!(rows.len(), 1, "the registered request is done");
    assert_eq!(rows[0].item, Some(w.innsyn));
    // Wednesday 25 November → Thursday 3 December: 6 working days.
    assert_eq!(rows[0].cells[2], "6");
    assert_eq!(rows[0].cells[7], "150880*****");
}

#[test]
fn access_requests_are_the_types_whose_routine_says_so_in_the_rules_file() {
    let w = world();
    let vergemal = item(
        &w.store,
        &Seed {
            document_type: "vergemal",
            ..Seed::digital(oslo(2026, 11, 26, 9, 0), "queued")
        },
    );
    // A municipality's own rules file: a type of its own that the routine
    // treats as an access request.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("regler.toml");
    let text = postmottak::classify::DEFAULT_RULES_TOML.replacen(
        "[[types]]\nid = \"annet\"",
        "[[types]]\nid = \"vergemal\"\nlabel = \"Melding om vergemål\"\n\
         routine = \"access_request\"\n\n[[types]]\nid = \"annet\"",
        1,
    );
    assert!(text.contains("vergemal"), "fixture");
    std::fs::write(&rules, text).unwrap();
    let own = Taxonomy::load(&ClassifyConfig {
        rules: Some(rules),
        ..ClassifyConfig::default()
    })
    .unwrap();

    let listed = |c: &ReportContext<'_>| -> Vec<Option<ItemId>> {
        let report = report::access_requests(c, None).unwrap();
        report.sections[0].rows.iter().map(|r| r.item).collect()
    };
    let mut c = ctx(&w.store, &w.config, thursday());
    assert_eq!(listed(&c), vec![Some(w.innsyn)], "the default rules");
    c.taxonomy = Arc::new(own);
    assert_eq!(listed(&c), vec![Some(w.innsyn), Some(vergemal)]);
}

#[test]
fn the_report_cli_prints_text_csv_and_html() {
    let w = world();
    let cfg = w.config.source.clone().unwrap();
    let run = |format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_postmottak"))
            .args([
                "report",
                "post-list",
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-02",
            ])
            .args(["--format", format, "--config"])
            .arg(&cfg)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run("text");
    assert!(
        text.starts_with("Postliste\nmottatt 1. desember 2026 – 2. desember 2026\n"),
        "{text}"
    );
    let csv = run("csv");
    assert!(
        csv.starts_with(
            "Seksjon,Sak,Mottatt,Kilde,Enhet,Type,Emne,Fødselsnr. (maskert),Status\r\n"
        ),
        "{csv}"
    );
    assert!(csv.contains(&format!("Inngående post (5),{},2026-12-01,digital,mta,soknad_tjenester,Søknad om omsorgsstønad,018809*****,fordelt\r\n", w.b_new.0)), "{csv}");
    let html = run("html");
    assert!(
        html.contains(&format!(
            "href=\"http://127.0.0.1:8080/items/{}\"",
            w.b_new.0
        )),
        "{html}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_postmottak"))
        .args(["report", "post-list", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("postlisten trenger en periode"));
}
