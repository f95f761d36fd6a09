//! Sender: a known organisation (rules `[[senders]]`: NAV, hospitals,
//! Statsforvalteren, Pasient- og brukerombudet, legekontor …) named in the
//! letterhead or under the greeting, else an organisation number with a valid
//! checksum.
//!
//! Only the letterhead (the short lines before the body starts) and the few
//! lines under the last greeting ("Med vennlig hilsen") are searched: a
//! citizen who writes "NAV har avslått…" or "vedlagt legeerklæring fra
//! fastlege" is neither NAV nor a GP. Recipient ("Til:") and copy lines are
//! skipped.

use super::normalize::fold;
use super::person_id::find_org_numbers;
use super::rules::Rules;

const HEAD_LINES: usize = 8;
const SIGNATURE_LINES: usize = 4;
const GREETINGS: &[&str] = &[
    "hilsen",
    "helsing",
    "mvh",
    "vennlig",
    "vennleg",
    "med hilsen",
    "hilsing",
];

pub fn sender(rules: &Rules, text: &str) -> Option<String> {
    let lines: Vec<(&str, String)> = text
        .lines()
        .flat_map(|l| l.split('\u{c}'))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| (l, fold(l)))
        .collect();
    for region in [letterhead(&lines), signature(&lines)] {
        let region: Vec<(&str, String)> = region
            .iter()
            .filter(|(_, f)| {
                !f.starts_with("til") && !f.starts_with("kopi") && !f.starts_with("cc")
            })
            .cloned()
            .collect();
        if let Some(name) = rules.sender_in(&region) {
            return Some(name);
        }
    }
    find_org_numbers(text)
        .into_iter()
        .next()
        .map(|n| format!("org.nr. {n}"))
}

type Line<'a> = (&'a str, String);

/// Leading short lines, up to the first line that reads like body text.
fn letterhead<'a>(lines: &[Line<'a>]) -> Vec<Line<'a>> {
    lines
        .iter()
        .take(HEAD_LINES)
        .take_while(|(_, f)| f.split_whitespace().count() <= 8 && !f.ends_with('.'))
        .cloned()
        .collect()
}

/// The few lines under the last greeting.
fn signature<'a>(lines: &[Line<'a>]) -> Vec<Line<'a>> {
    let Some(greeting) = lines.iter().rposition(|(_, f)| {
        f.split(|c: char| !c.is_alphanumeric())
            .any(|w| GREETINGS.contains(&w))
            && f.split_whitespace().count() <= 4
    }) else {
        return Vec::new();
    };
    lines
        .iter()
        .skip(greeting)
        .take(SIGNATURE_LINES + 1)
        .cloned()
        .collect()
}
