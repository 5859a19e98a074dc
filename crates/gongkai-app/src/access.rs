//! Who may do what: the region's roles and a unit's staff, and what a user
//! may do with one obligation. The pages and the API ask these same rules,
//! so they never disagree.

use crate::{Error, Result};
use gongkai_domain::people::Role;
use gongkai_domain::status::ObligationStatus;
use gongkai_store::User;

/// The unit whose work a user is limited to, if any. Office, viewer and admin
/// see the whole region; a handler or head only their unit.
pub fn unit_scope(user: &User) -> Result<Option<String>> {
    if !user.role.is_unit_bound() {
        return Ok(None);
    }
    user.unit.clone().map(Some).ok_or(Error::Forbidden)
}

/// Tasks as a user may read them: a unit's staff see the list's text and
/// their own unit among the bound ones, not which other units are bound.
pub fn scope_tasks(user: &User, mut tasks: Vec<gongkai_store::TaskRow>) -> Vec<gongkai_store::TaskRow> {
    if user.role.is_unit_bound() {
        for task in &mut tasks {
            let own = |u: &String| Some(u) == user.unit.as_ref();
            task.units.retain(own);
            task.lead_units.retain(own);
            task.support_units.retain(own);
        }
    }
    tasks
}

/// Roles that may read the whole region's dashboards.
pub fn sees_region(role: Role) -> bool {
    matches!(role, Role::Office | Role::Viewer | Role::Admin)
}

/// Roles that run the programme: import lists, edit the directory, confirm
/// group members, change a plan's settings, read the audit log.
pub fn manages(role: Role) -> bool {
    matches!(role, Role::Office | Role::Admin)
}

/// What a user may do with one obligation, whatever its status.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Access {
    pub see: bool,
    pub submit: bool,
    /// The unit's head signs its reports off, where the plan asks for it.
    pub sign: bool,
    pub review: bool,
}

impl Access {
    /// Report now: nothing waiting, nothing accepted.
    pub fn may_submit(&self, o: &gongkai_store::ObligationRow) -> bool {
        self.submit && o.status.is_open()
    }

    pub fn may_sign(&self, o: &gongkai_store::ObligationRow) -> bool {
        self.sign && o.signoff && o.status == ObligationStatus::Submitted
    }

    /// Decide now: a report waits, signed off where the plan asks for it.
    pub fn may_review(&self, o: &gongkai_store::ObligationRow) -> bool {
        self.review && o.status == if o.signoff { ObligationStatus::Signed } else { ObligationStatus::Submitted }
    }
}

/// A unit's staff see and report their own unit's work; the office reviews
/// everything; the unit a milestone reports to (区民政局 for the towns' 村居
/// reports) reviews those reports too.
pub fn access(user: &User, o: &gongkai_store::ObligationRow, directory: &gongkai_domain::units::Directory) -> Access {
    let own_unit = user.unit.as_deref() == Some(o.unit.as_str());
    let submit = user.role.is_unit_bound() && own_unit;
    let recipient = o.recipient.as_deref().and_then(|r| directory.find(r)).map(|u| u.name.as_str());
    let recipient_staff =
        user.role.is_unit_bound() && recipient.is_some() && user.unit.as_deref() == recipient && !own_unit;
    let review = user.role == Role::Office || recipient_staff;
    let sign = user.role == Role::Head && own_unit && o.signoff;
    Access { see: !user.role.is_unit_bound() || submit || review, submit, sign, review }
}
