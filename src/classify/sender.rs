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
    let lines: Vec<String> = text
        .lines()
        .flat_map(|l| l.split('\u{c}'))
        .map(fold)
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    for region in [letterhead(&lines), signature(&lines)] {
        let region: Vec<&str> = region
            .into_iter()
            .filter(|l| !l.starts_with("til") && !l.starts_with("kopi") && !l.starts_with("cc"))
            .collect();
        if let Some(name) = rules.sender_in(&region.join("\n")) {
            return Some(name.to_owned());
        }
    }
    find_org_numbers(text)
        .into_iter()
        .next()
        .map(|n| format!("org.nr. {n}"))
}

/// Leading short lines, up to the first line that reads like body text.
fn letterhead(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .take(HEAD_LINES)
        .take_while(|l| l.split_whitespace().count() <= 8 && !l.ends_with('.'))
        .map(String::as_str)
        .collect()
}

/// The few lines under the last greeting.
fn signature(lines: &[String]) -> Vec<&str> {
    let Some(greeting) = lines.iter().rposition(|l| {
        l.split(|c: char| !c.is_alphanumeric())
            .any(|w| GREETINGS.contains(&w))
            && l.split_whitespace().count() <= 4
    }) else {
        return Vec::new();
    };
    lines
        .iter()
        .skip(greeting)
        .take(SIGNATURE_LINES + 1)
        .map(String::as_str)
        .collect()
}
