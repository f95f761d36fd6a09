//! Person IDs through the public API: DESIGN.md §8's published check-digit
//! vectors, and the labelled set's promise that every expected ID is a valid
//! synthetic number and that no letter hides an unexpected valid one.

use postmottak::classify::{checksum_valid, find_person_ids, PersonId, PersonIdKind};

#[test]
fn published_vectors() {
    // Valid only under the 2032 rule.
    let id = PersonId::parse("30108299939").expect("2032 rule");
    assert_eq!(id.kind, PersonIdKind::Fodselsnummer);
    assert!(!id.synthetic);
    for classic in ["13097248022", "15108695088"] {
        assert!(PersonId::parse(classic).is_some(), "{classic}");
    }
    for invalid in ["13097248032", "15108695077"] {
        assert!(!checksum_valid(invalid), "{invalid}");
        assert!(PersonId::parse(invalid).is_none(), "{invalid}");
        assert!(find_person_ids(&format!("fnr {invalid}")).is_empty());
    }
}

#[test]
fn labelled_letters_use_only_valid_synthetic_ids() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/letters");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        let expected: Vec<&str> = value["expected"]
            .get("person_ids")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        for id in &expected {
            let parsed = PersonId::parse(id)
                .unwrap_or_else(|| panic!("{}: {}***** invalid", path.display(), &id[..6]));
            assert!(
                parsed.synthetic,
                "{}: {}***** not synthetic",
                path.display(),
                &id[..6]
            );
        }
        let pages: Vec<&str> = value["pages"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .collect();
        for found in find_person_ids(&pages.join("\n")) {
            assert!(found.synthetic, "{}: a non-synthetic ID", path.display());
            assert!(
                expected.contains(&found.value()),
                "{}: {} not in expected",
                path.display(),
                found.masked
            );
        }
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} letters");
}
