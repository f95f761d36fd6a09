//! The role rules of DESIGN.md §2, as pure functions the handlers call
//! before every read and every action.
//!
//! **Invariant:** item content is need-to-know: only clerks, caseworkers and
//! leaders of the item's unit, or the person it is allocated to, may see it.
//! The records officer sees the audit log (ids and events, no content); the
//! admin sees users, never items.

use crate::item::{Role, UnitId};
use crate::report::ReportKind;
use crate::store::users::User;

/// The facts about an item that the rules need.
#[derive(Debug, Clone, Copy)]
pub struct ItemFacts<'a> {
    pub unit: Option<&'a UnitId>,
    pub allocated_to: Option<i64>,
}

fn works_in(user: &User, unit: Option<&UnitId>) -> bool {
    unit.is_some_and(|u| user.units.contains(u))
}

/// Whether the user sees the morning-meeting queue at all.
pub fn sees_queue(user: &User) -> bool {
    matches!(user.role, Role::Clerk | Role::Caseworker | Role::Leader)
}

/// Whether the user may see an item's content (text, images, title).
pub fn can_view(user: &User, item: ItemFacts<'_>) -> bool {
    match user.role {
        Role::Admin | Role::RecordsOfficer => false,
        Role::Clerk | Role::Caseworker | Role::Leader => {
            works_in(user, item.unit) || item.allocated_to == Some(user.id)
        }
    }
}

/// Whether the user may allocate a waiting item of this unit to `to`.
/// Clerks and leaders share out their units' post; a caseworker may only
/// take an item of their own unit for themselves.
pub fn can_allocate(user: &User, item: ItemFacts<'_>, to: i64) -> bool {
    match user.role {
        Role::Clerk | Role::Leader => works_in(user, item.unit),
        Role::Caseworker => to == user.id && works_in(user, item.unit),
        Role::Admin | Role::RecordsOfficer => false,
    }
}

/// Whether the user may give an allocated item to someone else or back to
/// the meeting.
pub fn can_reallocate(user: &User, item: ItemFacts<'_>) -> bool {
    user.role == Role::Leader && works_in(user, item.unit)
}

/// Whether the user may mark a leader review as done.
pub fn can_approve(user: &User, item: ItemFacts<'_>) -> bool {
    user.role == Role::Leader && works_in(user, item.unit)
}

/// Whether the user may correct type, unit, title or urgency: the meeting
/// (clerks and leaders of the unit) and the caseworker who has the item.
pub fn can_correct(user: &User, item: ItemFacts<'_>) -> bool {
    match user.role {
        Role::Clerk | Role::Leader => works_in(user, item.unit),
        Role::Caseworker => item.allocated_to == Some(user.id),
        Role::Admin | Role::RecordsOfficer => false,
    }
}

/// Whether the user may sign off a scan's quality or replace it by a new
/// scan: the person who has it (the caseworker it is allocated to, who
/// scanned it from their own shelf) and the unit's clerks and leaders, who
/// scan the post that goes to the meeting.
pub fn can_check_quality(user: &User, item: ItemFacts<'_>) -> bool {
    match user.role {
        Role::Clerk | Role::Leader => works_in(user, item.unit),
        Role::Caseworker => item.allocated_to == Some(user.id),
        Role::Admin | Role::RecordsOfficer => false,
    }
}

/// Whether the user has a *Min post* page (items allocated to them).
pub fn sees_my_post(user: &User) -> bool {
    matches!(user.role, Role::Clerk | Role::Caseworker | Role::Leader)
}

/// Whether the user may see a person ID in full on the journal-entry card:
/// only the person who registers the item (it is allocated to them) and the
/// unit's leader. Everyone else sees the masked form.
pub fn can_reveal_person_id(user: &User, item: ItemFacts<'_>) -> bool {
    item.allocated_to == Some(user.id) || (user.role == Role::Leader && works_in(user, item.unit))
}

/// Whether the user may end meeting mode (which sends the after-meeting
/// mail at once): the leader who runs the meeting, and the clerks who share
/// out the post with them.
pub fn can_end_meeting(user: &User) -> bool {
    matches!(user.role, Role::Leader | Role::Clerk)
}

/// Whether the user may read the audit log.
pub fn can_audit(user: &User) -> bool {
    user.role == Role::RecordsOfficer
}

/// Whether the user keeps the shred shelves (sees them, confirms them
/// shredded).
pub fn can_keep_shelves(user: &User) -> bool {
    user.role == Role::RecordsOfficer
}

/// Whether the user has any report to open: the records officer all of
/// them, a caseworker their own backlog.
pub fn sees_reports(user: &User) -> bool {
    matches!(user.role, Role::RecordsOfficer | Role::Caseworker)
}

/// Whether the user may open the report `kind` (a caseworker's backlog is
/// limited to their own items by the handler).
pub fn can_read_report(user: &User, kind: ReportKind) -> bool {
    match user.role {
        Role::RecordsOfficer => true,
        Role::Caseworker => kind == ReportKind::Backlog,
        Role::Clerk | Role::Leader | Role::Admin => false,
    }
}

/// Whether the user may see the user list.
pub fn can_admin(user: &User) -> bool {
    user.role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, role: Role, units: &[&str]) -> User {
        User {
            id,
            username: format!("u{id}"),
            display_name: format!("U {id}"),
            email: None,
            role,
            disabled: false,
            units: units.iter().map(|u| UnitId::new(u).unwrap()).collect(),
        }
    }

    #[test]
    fn role_matrix() {
        let mta = UnitId::new("mta").unwrap();
        let item = ItemFacts {
            unit: Some(&mta),
            allocated_to: None,
        };
        let clerk = user(1, Role::Clerk, &["mta"]);
        let cw = user(2, Role::Caseworker, &["mta"]);
        let other_cw = user(3, Role::Caseworker, &["omsorg"]);
        let leader = user(4, Role::Leader, &["mta"]);
        let records = user(5, Role::RecordsOfficer, &["mta"]);
        let admin = user(6, Role::Admin, &["mta"]);

        assert!(can_view(&clerk, item) && can_view(&cw, item) && can_view(&leader, item));
        assert!(!can_view(&other_cw, item));
        assert!(!can_view(&records, item) && !can_view(&admin, item));

        assert!(can_allocate(&clerk, item, 2));
        assert!(can_allocate(&cw, item, 2), "take it yourself");
        assert!(
            !can_allocate(&cw, item, 4),
            "a caseworker does not share out"
        );
        assert!(!can_allocate(&other_cw, item, 3), "not in another unit");
        assert!(!can_allocate(&admin, item, 2));

        assert!(can_reallocate(&leader, item) && !can_reallocate(&clerk, item));
        assert!(can_approve(&leader, item) && !can_approve(&cw, item));

        let theirs = ItemFacts {
            unit: Some(&mta),
            allocated_to: Some(3),
        };
        assert!(can_view(&other_cw, theirs), "allocated to them");
        assert!(can_correct(&other_cw, theirs));
        assert!(!can_correct(&cw, theirs));
        assert!(can_audit(&records) && !can_audit(&leader));

        assert!(can_keep_shelves(&records) && !can_keep_shelves(&leader));
        assert!(can_check_quality(&clerk, item) && !can_check_quality(&cw, item));
        assert!(can_check_quality(&other_cw, theirs), "the one who has it");
        assert!(!can_check_quality(&records, item) && !can_check_quality(&admin, item));
        assert!(can_reveal_person_id(&other_cw, theirs) && can_reveal_person_id(&leader, theirs));
        assert!(!can_reveal_person_id(&clerk, theirs) && !can_reveal_person_id(&cw, theirs));
        assert!(can_read_report(&records, ReportKind::PostList));
        assert!(can_read_report(&cw, ReportKind::Backlog));
        assert!(!can_read_report(&cw, ReportKind::Deviation));
        assert!(!sees_reports(&leader) && !sees_reports(&admin) && !sees_reports(&clerk));
    }
}
