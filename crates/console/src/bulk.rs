//! Bulk actions from the users table (issue 4, item 8): deactivate, change role or revoke
//! sessions over picked rows or over everything the table's filter matches.
//!
//! 1. [`Live::plan_bulk`] is the dry run. A filter is resolved to user ids here, in Rust, from
//!    the users index (the whole matching set, not the rows the table happened to load), capped
//!    at [`MAX_BATCH_ITEMS`]. The plan is held in memory for this connection, not stored: a dry
//!    run writes nothing, audits nothing, and a dry run the operator closes leaves nothing
//!    behind (a stored plan that never ran would show up as an interrupted batch to resume).
//! 2. [`Live::run_bulk`] stores a held plan (`batch.start`, audited) and runs it, or resumes a
//!    stored batch; every item is authorized and audited on its own by the core.
//! 3. [`Live::unfinished_bulk`] lists stored batches without a finish mark, to resume.
//!
//! Refused for a role without `administer_identity` (auditors) and on a read-only profile,
//! already at the dry run.

use std::collections::{HashSet, VecDeque};

use rampart_core::accounts::{BatchReport, BatchView, RunHooks};
use rampart_core::ports::StoreError;
use rampart_core::users::index::require_read;
use rampart_core::CoreError;
use rampart_domain::batch::{BatchAction, BatchPlan, MAX_BATCH_ITEMS};
use rampart_domain::console::{allows, Capability, Operator};
use rampart_domain::userindex::UserQuery;

use crate::identity::lock;
use crate::session::Live;

/// Dry runs kept per connection; the oldest is dropped first (an operator rarely keeps more
/// than one or two previews open).
pub const HELD_PLANS: usize = 16;

/// Who a bulk action applies to.
#[derive(Debug, Clone)]
pub enum BulkTarget {
    /// Rows the operator ticked.
    Ids(Vec<String>),
    /// Every user the users table's query matches at dry-run time, minus the rows unticked.
    Filter {
        query: UserQuery,
        except: Vec<String>,
    },
}

/// Dry runs not yet executed, newest last.
#[derive(Default)]
pub(crate) struct HeldPlans(VecDeque<BatchPlan>);

impl HeldPlans {
    fn hold(&mut self, plan: BatchPlan) {
        self.0.retain(|p| p.id != plan.id);
        if self.0.len() == HELD_PLANS {
            self.0.pop_front();
        }
        self.0.push_back(plan);
    }

    /// The plan `id` if `operator` made it (another operator signing in on the same connection
    /// cannot run someone else's dry run).
    fn get(&self, id: &str, operator: &str) -> Option<BatchPlan> {
        self.0
            .iter()
            .find(|p| p.id == id && p.created_by == operator)
            .cloned()
    }

    fn drop_plan(&mut self, id: &str) {
        self.0.retain(|p| p.id != id);
    }
}

fn require_reason(action: &BatchAction) -> Result<(), CoreError> {
    match action.reason() {
        Some(r) if !r.trim().is_empty() => Ok(()),
        _ => Err(CoreError::Validation(
            "give a reason; it is kept in the audit log with every item".into(),
        )),
    }
}

impl Live {
    fn refuse_read_only(&self, what: &str) -> Result<(), CoreError> {
        if self.connected.read_only {
            return Err(StoreError::ReadOnly {
                store: format!("`{}`", self.connected.profile),
                op: what.into(),
            }
            .into());
        }
        Ok(())
    }

    /// The dry run: what `action` would do to each user of `target`, exactly. Held for
    /// [`Live::run_bulk`]; nothing is written.
    pub async fn plan_bulk(
        &self,
        operator: &Operator,
        action: BatchAction,
        target: BulkTarget,
    ) -> Result<BatchPlan, CoreError> {
        if !allows(operator.role, Capability::AdministerIdentity) {
            return Err(CoreError::Forbidden(format!(
                "the console role {} may not run bulk actions",
                operator.role.as_str()
            )));
        }
        self.refuse_read_only("run a bulk action")?;
        require_reason(&action)?;
        let acc = self.accounts();
        let ids = match target {
            BulkTarget::Ids(ids) => ids,
            BulkTarget::Filter { query, except } => {
                let except: HashSet<String> = except.into_iter().collect();
                self.users_index()
                    .matching_ids(operator, &query, &except, MAX_BATCH_ITEMS)?
            }
        };
        let plan = acc
            .plan_batch(operator, action, &ids, &self.connected.clock.now())
            .await?;
        lock(&self.identity.held).hold(plan.clone());
        Ok(plan)
    }

    /// A dry run held for `operator`, if any.
    pub fn held_plan(&self, id: &str, operator: &Operator) -> Option<BatchPlan> {
        lock(&self.identity.held).get(id, &operator.id)
    }

    /// Run batch `id`: a held dry run is stored first (audited), then every item without a
    /// result runs; a stored batch resumes where it stopped.
    pub async fn run_bulk(
        &self,
        operator: &Operator,
        id: &str,
        hooks: RunHooks<'_>,
    ) -> Result<BatchReport, CoreError> {
        // No read-only check here: the core refuses the write and audits the refusal.
        let acc = self.accounts();
        if let Some(plan) = self.held_plan(id, operator) {
            acc.start_batch(&self.audit, operator, &plan).await?;
            lock(&self.identity.held).drop_plan(id);
        }
        acc.run_batch_observed(&self.audit, operator, id, None, &|_, _| {}, hooks)
            .await
    }

    /// Stored batches that have not finished (interrupted), newest first.
    pub async fn unfinished_bulk(&self, operator: &Operator) -> Result<Vec<BatchView>, CoreError> {
        require_read(operator)?;
        self.accounts().unfinished_batches().await
    }
}

#[cfg(test)]
mod tests;
