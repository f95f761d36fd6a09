//! The role rules of DESIGN.md §2, in one place: every decision that depends
//! on a user's role — on the board, in the CLI, in retention, in the mail
//! scheduler and in the store's SQL — asks this module.
//!
//! **Invariant:** item content is need-to-know: only clerks, caseworkers and
//! leaders of the item's unit, or the person it is allocated to, may see it.
//! The records officer sees the audit log (ids and events, no content); the
//! admin sees users, never items.
//!
//! This is a leaf: it knows [`Role`] and [`UnitId`] and nothing else, so the
//! store (which binds [`RECEIVERS`] into its SQL), the CLI and retention use
//! it without depending on the board or HTTP. A user reaches the rules
//! through [`Member`] (implemented by `store::users::User`); role-only rules
//! take anything with a role, a bare [`Role`] included.

use crate::item::{Role, UnitId};

/// Anything the rules can ask for its role.
pub trait HasRole {
    fn role(&self) -> Role;
}

impl HasRole for Role {
    fn role(&self) -> Role {
        *self
    }
}

/// A person as the rules see them: who, in which role, in which units.
pub trait Member: HasRole {
    fn id(&self) -> i64;
    fn units(&self) -> &[UnitId];
    /// A disabled account keeps its role but is given nothing.
    fn is_active(&self) -> bool;
}

/// The facts about an item that the rules need.
#[derive(Debug, Clone, Copy)]
pub struct ItemFacts<'a> {
    pub unit: Option<&'a UnitId>,
    pub allocated_to: Option<i64>,
}

/// The roles that are given items (allocated post, the suggestion, the
/// chooser, a scanner shelf of their own). `store::users` and the suggester
/// bind this list into their SQL.
pub const RECEIVERS: &[Role] = &[Role::Caseworker, Role::Leader];

/// The roles that share out their units' post at the meeting.
const SHARERS: &[Role] = &[Role::Clerk, Role::Leader];

/// The roles that work in units: they must have at least one, and they see
/// their units' queues.
const UNIT_ROLES: &[Role] = &[Role::Clerk, Role::Caseworker, Role::Leader];

/// The role that keeps the records: the audit log, the shred shelves and
/// every report. Shelf notices and the scheduled deviation and
/// access-request reports are mailed to it.
pub const RECORDS_KEEPER: Role = Role::RecordsOfficer;

/// The role that reads its own backlog; the weekly backlog mail goes to
/// each active member of it.
pub const OWN_BACKLOG_READER: Role = Role::Caseworker;

/// Whether `unit` is one of the user's units.
pub fn works_in(user: &impl Member, unit: Option<&UnitId>) -> bool {
    unit.is_some_and(|u| user.units().contains(u))
}

/// Whether a user of this role must belong to at least one unit.
pub fn works_in_units(who: &impl HasRole) -> bool {
    UNIT_ROLES.contains(&who.role())
}

/// Whether the user sees the morning-meeting queue at all.
pub fn sees_queue(who: &impl HasRole) -> bool {
    UNIT_ROLES.contains(&who.role())
}

/// Whether the user may see an item's content (text, images, title).
pub fn can_view(user: &impl Member, item: ItemFacts<'_>) -> bool {
    UNIT_ROLES.contains(&user.role())
        && (works_in(user, item.unit) || item.allocated_to == Some(user.id()))
}

/// Whether items can be given to people of this role at all (clerks share
/// post out but are never given any).
pub fn receives_items(who: &impl HasRole) -> bool {
    RECEIVERS.contains(&who.role())
}

/// Whether an item of `unit` may be given to `user`: an active caseworker
/// or leader of that unit. The board's chooser lists exactly these people
/// (`store::users::assignable_in_unit`, from [`RECEIVERS`]).
pub fn can_be_given(user: &impl Member, unit: &UnitId) -> bool {
    user.is_active() && receives_items(user) && works_in(user, Some(unit))
}

/// Whether the user shares out a waiting item of this unit to others (the
/// meeting's chooser), rather than only taking it themselves.
pub fn can_share_out(user: &impl Member, item: ItemFacts<'_>) -> bool {
    SHARERS.contains(&user.role()) && works_in(user, item.unit)
}

/// Whether the user may allocate a waiting item of this unit to `to`.
/// Clerks and leaders share out their units' post; a caseworker may only
/// take an item of their own unit for themselves.
pub fn can_allocate(user: &impl Member, item: ItemFacts<'_>, to: i64) -> bool {
    can_share_out(user, item)
        || (user.role() == Role::Caseworker && to == user.id() && works_in(user, item.unit))
}

/// Whether the user may give an allocated item to someone else or back to
/// the meeting.
pub fn can_reallocate(user: &impl Member, item: ItemFacts<'_>) -> bool {
    user.role() == Role::Leader && works_in(user, item.unit)
}

/// Whether the user may mark a leader review as done.
pub fn can_approve(user: &impl Member, item: ItemFacts<'_>) -> bool {
    user.role() == Role::Leader && works_in(user, item.unit)
}

/// Whether the user may correct type, unit, title or urgency: the meeting
/// (clerks and leaders of the unit) and the caseworker who has the item.
pub fn can_correct(user: &impl Member, item: ItemFacts<'_>) -> bool {
    can_share_out(user, item)
        || (user.role() == Role::Caseworker && item.allocated_to == Some(user.id()))
}

/// Whether the user may sign off a scan's quality or replace it by a new
/// scan: the person who has it (the caseworker it is allocated to, who
/// scanned it from their own shelf) and the unit's clerks and leaders, who
/// scan the post that goes to the meeting.
pub fn can_check_quality(user: &impl Member, item: ItemFacts<'_>) -> bool {
    can_share_out(user, item)
        || (user.role() == Role::Caseworker && item.allocated_to == Some(user.id()))
}

/// Whether the user has a *Min post* page (items allocated to them).
pub fn sees_my_post(who: &impl HasRole) -> bool {
    UNIT_ROLES.contains(&who.role())
}

/// Whether the user may see a person ID in full on the journal-entry card:
/// only the person who registers the item (it is allocated to them) and the
/// unit's leader. Everyone else sees the masked form.
pub fn can_reveal_person_id(user: &impl Member, item: ItemFacts<'_>) -> bool {
    item.allocated_to == Some(user.id())
        || (user.role() == Role::Leader && works_in(user, item.unit))
}

/// Whether the user may end meeting mode (which sends the after-meeting
/// mail at once): the leader who runs the meeting, and the clerks who share
/// out the post with them.
pub fn can_end_meeting(who: &impl HasRole) -> bool {
    SHARERS.contains(&who.role())
}

/// Whether the user may read the audit log.
pub fn can_audit(who: &impl HasRole) -> bool {
    who.role() == RECORDS_KEEPER
}

/// Whether the user keeps the shred shelves (sees them, confirms them
/// shredded — on the board and with `postmottak retention confirm`).
pub fn can_keep_shelves(who: &impl HasRole) -> bool {
    who.role() == RECORDS_KEEPER
}

/// Which reports a user may open. The report kinds themselves are matched
/// against this by `report::ReportKind::open_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reports {
    None,
    /// Only the backlog, limited to their own items.
    OwnBacklog,
    /// Every report, everyone's backlog included.
    All,
}

/// The reports of a user: the records officer all of them, a caseworker
/// their own backlog.
pub fn reports(who: &impl HasRole) -> Reports {
    match who.role() {
        r if r == RECORDS_KEEPER => Reports::All,
        r if r == OWN_BACKLOG_READER => Reports::OwnBacklog,
        _ => Reports::None,
    }
}

/// Whether the user has any report to open.
pub fn sees_reports(who: &impl HasRole) -> bool {
    reports(who) != Reports::None
}

/// Whether the user may see the user list.
pub fn can_admin(who: &impl HasRole) -> bool {
    who.role() == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Person {
        id: i64,
        role: Role,
        units: Vec<UnitId>,
        active: bool,
    }

    impl HasRole for Person {
        fn role(&self) -> Role {
            self.role
        }
    }

    impl Member for Person {
        fn id(&self) -> i64 {
            self.id
        }
        fn units(&self) -> &[UnitId] {
            &self.units
        }
        fn is_active(&self) -> bool {
            self.active
        }
    }

    fn user(id: i64, role: Role, units: &[&str]) -> Person {
        Person {
            id,
            role,
            units: units.iter().map(|u| UnitId::new(u).unwrap()).collect(),
            active: true,
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
        assert!(can_share_out(&clerk, item) && can_share_out(&leader, item));
        assert!(!can_share_out(&cw, item) && !can_share_out(&records, item));

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
        assert_eq!(reports(&records), Reports::All);
        assert_eq!(reports(&cw), Reports::OwnBacklog);
        assert!(!sees_reports(&leader) && !sees_reports(&admin) && !sees_reports(&clerk));
    }

    #[test]
    fn who_may_be_given_an_item() {
        let mta = UnitId::new("mta").unwrap();
        for role in Role::ALL {
            let person = user(1, role, &["mta"]);
            assert_eq!(
                can_be_given(&person, &mta),
                matches!(role, Role::Caseworker | Role::Leader),
                "{role}"
            );
        }
        let elsewhere = user(2, Role::Caseworker, &["omsorg"]);
        assert!(!can_be_given(&elsewhere, &mta));
        let mut disabled = user(3, Role::Leader, &["mta"]);
        disabled.active = false;
        assert!(!can_be_given(&disabled, &mta));
    }

    #[test]
    fn unit_roles_need_units_and_see_the_queue() {
        for role in Role::ALL {
            let in_units = matches!(role, Role::Clerk | Role::Caseworker | Role::Leader);
            assert_eq!(works_in_units(&role), in_units, "{role}");
            assert_eq!(sees_queue(&role), in_units, "{role}");
            assert_eq!(sees_my_post(&role), in_units, "{role}");
        }
        assert!(can_end_meeting(&Role::Clerk) && can_end_meeting(&Role::Leader));
        assert!(!can_end_meeting(&Role::Caseworker));
        assert!(can_admin(&Role::Admin) && !can_admin(&Role::RecordsOfficer));
    }
}
