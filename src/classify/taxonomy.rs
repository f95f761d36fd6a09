//! The document-type taxonomy: every type's id and Norwegian names, read
//! from the rules file (`[[types]]`) and nowhere else.
//!
//! **Invariant:** the rules file is the only source of document types. The
//! classifier decides among them, the board lists and names them and refuses
//! a correction to any other, the after-meeting mail names them: all through
//! one [`Taxonomy`], so a municipality's own rules file changes them all.

use serde::Deserialize;

use super::config::ClassifyConfig;
use super::load;
use super::rules::{RulesError, RulesFile};

/// What the routine does with a type beyond naming it (`routine` in the
/// rules file): the board's and the mail's marks, the journal card's advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Routine {
    /// An application: a new case when the person has no earlier post.
    Application,
    /// An appeal (klage): marked on the board and in mail; never a new case.
    Appeal,
    /// A request for access (innsyn): flagged, and by e-mail the sender's
    /// identity must be checked.
    AccessRequest,
    /// A change to or end of a service the person has: never a new case.
    Change,
}

/// One document type as people see it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentType {
    /// The id stored on an item, e.g. "soknad_bpa".
    pub id: String,
    /// The full Norwegian name; also the title of a letter without a
    /// subject line.
    pub label: String,
    /// The name in lists, the queue, history sentences and mail
    /// (`short_label` in the rules file, else `label`).
    pub short_label: String,
    /// Items of this type go through a leader (the rules file's
    /// `leader_review`, or `[classify] leader_review`).
    pub leader_review: bool,
    pub routine: Option<Routine>,
}

/// A type a person chose is not in the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Ukjent dokumenttype. Velg en av typene i listen (de kommer fra klassifiseringsreglene).")]
pub struct UnknownType;

/// The document types of one installation, in the rules file's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    types: Vec<DocumentType>,
}

impl Taxonomy {
    /// The types of a validated rules file, with its leader-review list
    /// (after `[classify]`'s override).
    pub(super) fn from_rules(file: &RulesFile) -> Taxonomy {
        let types = file
            .types
            .iter()
            .map(|t| DocumentType {
                id: t.id.clone(),
                label: t.label.clone(),
                short_label: t.short_label.clone().unwrap_or_else(|| t.label.clone()),
                leader_review: file.leader_review.contains(&t.id),
                routine: t.routine,
            })
            .collect();
        Taxonomy { types }
    }

    /// Reads the taxonomy of the rules file a `[classify]` section names
    /// (paths as given; see [`Self::from_config`]), validated as the
    /// classifier validates it, without compiling the phrase patterns.
    pub fn load(section: &ClassifyConfig) -> Result<Taxonomy, RulesError> {
        load::load_rules_file(section).map(|file| Self::from_rules(&file))
    }

    /// The taxonomy of the installation: the rules file of `[classify]`
    /// resolved against the config file's folder, as the classifier reads it.
    pub fn from_config(config: &crate::config::Config) -> Result<Taxonomy, RulesError> {
        Self::load(&super::resolved_section(config))
    }

    /// The shipped default (`config/rules.toml`).
    pub fn embedded() -> Taxonomy {
        // The embedded file is checked by the unit tests below: this cannot
        // fail in a released binary.
        Self::load(&ClassifyConfig::default()).unwrap_or(Taxonomy { types: Vec::new() })
    }

    /// Every type, in the rules file's order.
    pub fn types(&self) -> &[DocumentType] {
        &self.types
    }

    pub fn get(&self, id: &str) -> Option<&DocumentType> {
        self.types.iter().find(|t| t.id == id)
    }

    /// The type a person chose, or why it cannot be used.
    pub fn check(&self, id: &str) -> Result<&DocumentType, UnknownType> {
        self.get(id).ok_or(UnknownType)
    }

    /// What the routine does with a stored type, if anything special.
    pub fn routine(&self, id: Option<&str>) -> Option<Routine> {
        id.and_then(|id| self.get(id)).and_then(|t| t.routine)
    }

    /// The name people read for a stored type: its short label; the id of
    /// a type the rules file no longer has (an item classified under older
    /// rules); "ukjent" for an item not yet classified.
    pub fn name<'a>(&'a self, id: Option<&'a str>) -> &'a str {
        match id {
            None => "ukjent",
            Some(id) => self.get(id).map_or(id, |t| t.short_label.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_taxonomy_has_every_type_with_its_board_name() {
        let taxonomy = Taxonomy::embedded();
        let ids: Vec<&str> = taxonomy.types().iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "soknad_tjenester",
                "soknad_bpa",
                "soknad_omsorgsstonad",
                "klage",
                "innsyn",
                "helseopplysninger",
                "fullmakt",
                "endring",
                "annet"
            ]
        );
        assert_eq!(taxonomy.name(Some("soknad_bpa")), "Søknad om BPA");
        assert_eq!(
            taxonomy.get("soknad_bpa").map(|t| t.label.as_str()),
            Some("Søknad om brukerstyrt personlig assistanse (BPA)")
        );
        assert_eq!(taxonomy.name(Some("gammel_type")), "gammel_type");
        assert_eq!(taxonomy.name(None), "ukjent");
        assert!(taxonomy.get("klage").is_some_and(|t| t.leader_review));
        assert!(taxonomy.get("innsyn").is_some_and(|t| !t.leader_review));
        assert_eq!(taxonomy.routine(Some("klage")), Some(Routine::Appeal));
        assert_eq!(
            taxonomy.routine(Some("innsyn")),
            Some(Routine::AccessRequest)
        );
        assert_eq!(taxonomy.routine(Some("endring")), Some(Routine::Change));
        for t in ["soknad_tjenester", "soknad_bpa", "soknad_omsorgsstonad"] {
            assert_eq!(taxonomy.routine(Some(t)), Some(Routine::Application));
        }
        assert_eq!(taxonomy.routine(Some("annet")), None);
        assert_eq!(taxonomy.routine(None), None);
    }

    #[test]
    fn a_type_outside_the_taxonomy_is_refused() {
        let taxonomy = Taxonomy::embedded();
        assert!(taxonomy.check("klage").is_ok());
        assert_eq!(taxonomy.check("klag"), Err(UnknownType));
        assert_eq!(taxonomy.check(""), Err(UnknownType));
    }

    /// The invariant's guard: no second list of type names creeps back
    /// into the code (as `web/layout.rs`'s `DOCUMENT_TYPES` once was).
    /// "Klage" is exempt: it is also the name of the appeal flag.
    #[test]
    fn no_type_name_is_written_in_the_code_outside_classify() {
        let taxonomy = Taxonomy::embedded();
        let names: Vec<String> = taxonomy
            .types()
            .iter()
            .flat_map(|t| [&t.label, &t.short_label])
            .filter(|n| n.as_str() != "Klage")
            .map(|n| format!("{n:?}"))
            .collect();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut folders = vec![src.clone()];
        let mut found = Vec::new();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if path != src.join("classify") {
                        folders.push(path);
                    }
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                // Test modules may name types to check what a page shows.
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                for name in names.iter().filter(|n| code.contains(n.as_str())) {
                    found.push(format!("{}: {name}", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "type names outside the rules file: {found:?}"
        );
    }

    #[test]
    fn the_leader_review_override_reaches_the_taxonomy() {
        let section = ClassifyConfig {
            leader_review: Some(vec!["innsyn".into()]),
            ..ClassifyConfig::default()
        };
        let taxonomy = Taxonomy::load(&section).unwrap();
        assert!(taxonomy.get("innsyn").is_some_and(|t| t.leader_review));
        assert!(taxonomy.get("klage").is_some_and(|t| !t.leader_review));
    }
}
