//! The one path every mutation takes: authorize by console role, act, audit both outcomes.

use std::future::Future;
use std::sync::Arc;

use rampart_domain::console::{
    allows, operator_account_refusal, AccountChange, Capability, Operator,
};
use rampart_domain::trail::Outcome;
use serde_json::{Map, Value};

use crate::audit::{AuditAction, AuditWriter, Recorded};
use crate::ports::{KeySpace, StoreError};
use crate::signin::Operators;
use crate::CoreError;

/// Run a mutation for `operator`. A role without `capability` is refused before anything is
/// touched, and the refusal is audited; otherwise the action runs and its success or failure is
/// audited (a read-only profile's refusal is audited as refused). The closure returns its value
/// and extra audit details (counts, ids; never secrets).
pub async fn mutate<T, F, Fut>(
    audit: &AuditWriter,
    operator: &Operator,
    capability: Capability,
    action: AuditAction,
    f: F,
) -> Result<(T, Recorded), CoreError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(T, Map<String, Value>), CoreError>>,
{
    if !allows(operator.role, capability) {
        let why = format!(
            "the console role {} may not perform {}",
            operator.role.as_str(),
            action.action
        );
        audit
            .record(operator, &action, Outcome::Refused, Some(&why))
            .await?;
        return Err(CoreError::Forbidden(why));
    }
    match f().await {
        Ok((value, extra)) => {
            let mut action = action;
            action.details.extend(extra);
            let rec = audit
                .record(operator, &action, Outcome::Success, None)
                .await?;
            Ok((value, rec))
        }
        Err(e) => {
            let outcome = match &e {
                CoreError::Store(StoreError::ReadOnly { .. }) | CoreError::Forbidden(_) => {
                    Outcome::Refused
                }
                _ => Outcome::Failure,
            };
            // The operator needs the cause, not the audit's trouble: when the failure cannot be
            // recorded either (the store went away, or its account lost write rights mid-session),
            // the original error is returned and the unrecorded audit is logged.
            if let Err(audit_error) = audit
                .record(operator, &action, outcome, Some(&e.to_string()))
                .await
            {
                tracing::error!(
                    action = %action.action,
                    "the failure of this action could not be audited: {audit_error}"
                );
            }
            Err(e)
        }
    }
}

/// Refuse `change` to the account `user_id` when it holds a console role and the rule on
/// operator accounts says no ([`operator_account_refusal`]: nobody changes an operator's
/// credentials; only a console admin changes its standing). The role is read as sign-in reads
/// it, one HGET of the registry; an unreadable grant refuses the change as malformed (fail
/// closed). Call it inside the body given to [`mutate`], so a refusal is audited as refused.
pub async fn operator_guard(
    ks: &Arc<dyn KeySpace>,
    operator: &Operator,
    user_id: &str,
    change: AccountChange,
) -> Result<(), CoreError> {
    let held = Operators::new(ks.clone())
        .grant_of(user_id)
        .await?
        .map(|g| g.role);
    match operator_account_refusal(operator.role, user_id, held, change) {
        Some(why) => Err(CoreError::Forbidden(why)),
        None => Ok(()),
    }
}
