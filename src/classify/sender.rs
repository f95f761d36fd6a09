//! Sender: a known organisation (rules `[[senders]]`: NAV, hospitals,
//! Statsforvalteren, Pasient- og brukerombudet, legekontor …) named in the
//! letterhead or the signature block, else an organisation number with a
//! valid checksum.
//!
//! Only the head (first lines) and the tail (last lines) are searched: a
//! citizen who writes "NAV har avslått…" in the body is not NAV.

use super::normalize::fold;
use super::person_id::find_org_numbers;
use super::rules::Rules;

const HEAD_LINES: usize = 8;
const TAIL_LINES: usize = 8;

pub fn sender(rules: &Rules, text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .flat_map(|l| l.split('\u{c}'))
        .filter(|l| !l.trim().is_empty())
        .collect();
    // The letterhead names the sender more reliably than the signature
    // block (which may list copy recipients), so it is searched first.
    let head: Vec<&str> = lines.iter().take(HEAD_LINES).copied().collect();
    let tail: Vec<&str> = lines
        .iter()
        .skip(lines.len().saturating_sub(TAIL_LINES))
        .copied()
        .collect();
    for region in [head, tail] {
        if let Some(name) = rules.sender_in(&fold(&region.join("\n"))) {
            return Some(name.to_owned());
        }
    }
    find_org_numbers(text)
        .into_iter()
        .next()
        .map(|n| format!("org.nr. {n}"))
}
