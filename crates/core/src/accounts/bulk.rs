//! Bulk actions (deactivate, reactivate, role change, revoke sessions) over an explicit list of
//! user ids. Shells resolve filters (role, dormancy, the users index) into ids first.
//!
//! 1. [`Accounts::plan_batch`] is the dry run: it reads every user and says per item exactly
//!    what would change (before → after), without writing or auditing anything.
//! 2. [`Accounts::start_batch`] stores the plan under `rampart:console:batch:{id}` (audited).
//! 3. [`Accounts::run_batch`] executes the items that have no result yet, in order. Each item
//!    re-reads the user, is audited on its own (success or failure) and writes its result in the
//!    same atomic write as its effect, so a run interrupted anywhere resumes with the next item
//!    and never redoes one. One failing item is recorded and the run goes on. The run as a whole
//!    is audited too, with its counts. Promotions to admin file four-eyes requests.
//! 4. A run holds a lease ([`RunLease`]) for its whole length, so a second console or script
//!    running the same batch at the same time is refused (naming who runs it) instead of
//!    executing and auditing the same items twice.
//!
//! An account that holds a console role is changed only by a console admin
//! ([`crate::guard::operator_guard`]): for anyone else its item is planned as refused, and at
//! run time refused (audited), recorded as failed with the reason, and the run goes on.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use rampart_domain::batch::{
    batch_key, item_field, plan_item, run_lease_key, skip_item, BatchAction, BatchPlan, ItemKind,
    ItemResult, ItemStatus, PlannedItem, RunLease, FINISHED_BATCH_TTL_SECS, FINISHED_FIELD,
    MAX_BATCH_ITEMS, PLAN_FIELD, RUN_LEASE_RENEW_SECS, RUN_LEASE_TTL_SECS,
};
use rampart_domain::console::{
    allows, operator_account_refusal, AccountChange, Capability, Operator, OPERATORS_KEY,
};
use rampart_domain::keys;
use rampart_domain::time::format_naive_iso;
use rampart_domain::token::RefreshRecord;
use rampart_domain::user::{Role, UserRecord};
use serde::Serialize;
use serde_json::Map;

use super::role::RoleOutcome;
use super::status::StatusChange;
use super::{optional_reason, required_reason, Accounts};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::{mutate, operator_guard};
use crate::ports::{Applied, Guard, StoreError, Write, MAX_BATCH};
use crate::seed::Unreadable;
use crate::signin::Operators;
use crate::CoreError;

/// A stored batch: its plan and the results recorded so far.
#[derive(Debug, Clone, Serialize)]
pub struct BatchView {
    pub plan: BatchPlan,
    /// In item order; items without a result are still to run.
    pub results: Vec<ItemResult>,
    pub unreadable: Vec<Unreadable>,
    pub finished_at: Option<String>,
}

/// What one run did.
#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub id: String,
    pub action: String,
    pub total: usize,
    /// Items executed by this run (earlier runs' items are not redone).
    pub ran_now: usize,
    pub counts: BatchCounts,
    pub finished: bool,
    pub results: Vec<ItemResult>,
}

/// Items per status over the whole batch.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct BatchCounts {
    pub done: usize,
    pub unchanged: usize,
    pub approval_requested: usize,
    pub skipped: usize,
    pub failed: usize,
    pub pending: usize,
}

/// Progress callback: (items with a result, total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Send + Sync);

/// What [`Accounts::run_batch_observed`] reports to and takes from its shell.
pub struct RunHooks<'a> {
    /// Each item's recorded result, as soon as it is recorded.
    pub on_item: &'a (dyn Fn(&ItemResult) + Send + Sync),
    /// Set by the shell to stop before the next item (the rest stay for a resume).
    pub stop: Option<&'a AtomicBool>,
}

fn validate_action(action: &BatchAction) -> Result<(), CoreError> {
    match action {
        BatchAction::Deactivate { reason } | BatchAction::Reactivate { reason } => {
            required_reason(reason).map(|_| ())
        }
        BatchAction::ChangeRole { reason, .. } | BatchAction::RevokeSessions { reason } => {
            optional_reason(reason.as_deref()).map(|_| ())
        }
    }
}

impl Accounts {
    /// The dry run: what `action` would do to each of `user_ids` (duplicates dropped, order
    /// kept). Reads only; nothing is written or audited. A role that may not run the batch
    /// (an auditor) is refused here already, not only when the batch starts.
    pub async fn plan_batch(
        &self,
        operator: &Operator,
        action: BatchAction,
        user_ids: &[String],
        now: &chrono::NaiveDateTime,
    ) -> Result<BatchPlan, CoreError> {
        if !allows(operator.role, Capability::AdministerIdentity) {
            return Err(CoreError::Forbidden(format!(
                "the console role {} may not run bulk actions",
                operator.role.as_str()
            )));
        }
        validate_action(&action)?;
        let mut seen = HashSet::new();
        let ids: Vec<String> = user_ids
            .iter()
            .map(|s| {
                s.trim()
                    .strip_prefix("user:")
                    .unwrap_or(s.trim())
                    .to_owned()
            })
            .filter(|s| !s.is_empty() && seen.insert(s.clone()))
            .collect();
        if ids.is_empty() {
            return Err(CoreError::Validation("the selection is empty".into()));
        }
        if ids.len() > MAX_BATCH_ITEMS {
            return Err(CoreError::Validation(format!(
                "{} users selected; a batch holds at most {MAX_BATCH_ITEMS}: split the selection",
                ids.len()
            )));
        }
        let sessions = match action {
            BatchAction::RevokeSessions { .. } => self.sessions_by_user().await?,
            _ => HashMap::new(),
        };
        // The console roles, read once (a handful of operators), so each item says what the
        // run's `operator_guard` will say.
        let grants: HashMap<String, Result<_, String>> = Operators::new(self.ks.clone())
            .all()
            .await?
            .into_iter()
            .collect();
        let operator_refusal = |id: &str| match grants.get(id) {
            None => None,
            Some(Ok(g)) => {
                operator_account_refusal(operator.role, id, Some(g.role), AccountChange::Standing)
                    .map(|why| format!("refused: {why}"))
            }
            Some(Err(e)) => Some(format!("{OPERATORS_KEY} field {id}: {e}")),
        };
        let mut items = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BATCH) {
            let keys: Vec<String> = chunk.iter().map(|id| keys::user(id)).collect();
            for (id, slot) in chunk.iter().zip(self.ks.hgetall_many(&keys).await?) {
                items.push(match slot {
                    Err(e) => skip_item(&action, id, e.to_string()),
                    Ok(fields) => match UserRecord::from_hash(id.clone(), &fields) {
                        Ok(Some(u)) => match operator_refusal(id) {
                            Some(why) => skip_item(&action, id, why),
                            None => plan_item(&action, &u, sessions.get(id).map_or(0, Vec::len)),
                        },
                        Ok(None) => skip_item(&action, id, "no such user".into()),
                        Err(e) => skip_item(&action, id, format!("unreadable: {e}")),
                    },
                });
            }
        }
        Ok(BatchPlan {
            id: format!("b_{}", self.token(9)),
            action,
            created_by: operator.id.clone(),
            created_at: format_naive_iso(now),
            items,
        })
    }

    /// Store a plan so it can run (and resume). Audited.
    pub async fn start_batch(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        plan: &BatchPlan,
    ) -> Result<(), CoreError> {
        let key = batch_key(&plan.id);
        let action = AuditAction::new("console_batch", "batch.start")
            .resource(key.clone())
            .severity("high")
            .detail("batch_id", plan.id.clone())
            .detail("batch_action", plan.action.name())
            .detail("items", plan.items.len());
        mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                validate_action(&plan.action)?;
                let applied = self
                    .ks
                    .apply_guarded(
                        &[Guard::Exists {
                            key: key.clone(),
                            exists: false,
                        }],
                        &[Write::HSet {
                            key: key.clone(),
                            fields: vec![(PLAN_FIELD.into(), plan.to_json().into_bytes())],
                        }],
                    )
                    .await?;
                if applied == Applied::Conflict {
                    return Err(CoreError::Conflict(format!(
                        "batch {} already exists; resume it instead",
                        plan.id
                    )));
                }
                Ok(((), Map::new()))
            },
        )
        .await?;
        Ok(())
    }

    /// Stored batches that have not finished (interrupted, or never run), newest first. Only
    /// Rampart's own `rampart:console:batch:*` keys are scanned (SCAN COUNT ≤ 1000), so the
    /// desktop can offer to resume after a restart.
    pub async fn unfinished_batches(&self) -> Result<Vec<BatchView>, CoreError> {
        let prefix = batch_key("");
        let mut keys = Vec::new();
        let mut cursor = 0;
        loop {
            let (next, found) = self
                .ks
                .scan(cursor, &format!("{prefix}*"), crate::ports::MAX_BATCH)
                .await?;
            keys.extend(found);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        let mut out = Vec::new();
        for k in keys {
            let id = k.strip_prefix(&prefix).unwrap_or(&k);
            match self.show_batch(id).await {
                Ok(v) if v.finished_at.is_none() => out.push(v),
                // Finished, or unreadable: `batch show` tells the full story.
                _ => {}
            }
        }
        out.sort_by(|a, b| b.plan.created_at.cmp(&a.plan.created_at));
        Ok(out)
    }

    /// A stored batch with its results so far.
    pub async fn show_batch(&self, id: &str) -> Result<BatchView, CoreError> {
        let key = batch_key(id);
        let fields = self.ks.hgetall(&key).await?;
        let mut plan = None;
        let mut finished_at = None;
        let mut results = Vec::new();
        let mut unreadable = Vec::new();
        for (k, v) in fields {
            let k = String::from_utf8_lossy(&k).into_owned();
            if k == PLAN_FIELD {
                plan =
                    Some(BatchPlan::parse(&v).map_err(|e| {
                        CoreError::Malformed(format!("{key} field {PLAN_FIELD}: {e}"))
                    })?);
            } else if k == FINISHED_FIELD {
                finished_at = Some(String::from_utf8_lossy(&v).into_owned());
            } else if k.starts_with("item:") {
                match ItemResult::parse(&v) {
                    Ok(r) => results.push(r),
                    Err(reason) => unreadable.push(Unreadable {
                        key: format!("{key} field {k}"),
                        reason,
                    }),
                }
            }
        }
        let plan = plan.ok_or_else(|| CoreError::NotFound(format!("no batch {id}")))?;
        results.sort_by_key(|r| r.index);
        Ok(BatchView {
            plan,
            results,
            unreadable,
            finished_at,
        })
    }

    /// Run (or resume) a stored batch: every item without a result, in order, at most `limit`
    /// of them when given (the rest stay for the next run). Stops early only when a result
    /// cannot be recorded at all (read-only profile, store down); the run is audited with its
    /// counts either way.
    pub async fn run_batch(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        id: &str,
        limit: Option<usize>,
        progress: Progress<'_>,
    ) -> Result<BatchReport, CoreError> {
        let on_item = |_: &ItemResult| {};
        let hooks = RunHooks {
            on_item: &on_item,
            stop: None,
        };
        self.run_batch_observed(audit, operator, id, limit, progress, hooks)
            .await
    }

    /// [`Accounts::run_batch`] for a shell that shows each result as it lands and lets the
    /// operator stop between items (the desktop's cancel button): `hooks.stop` is checked
    /// before each item, so the item under way always finishes and records its result.
    pub async fn run_batch_observed(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        id: &str,
        limit: Option<usize>,
        progress: Progress<'_>,
        hooks: RunHooks<'_>,
    ) -> Result<BatchReport, CoreError> {
        let action = AuditAction::new("console_batch", "batch.run")
            .resource(batch_key(id))
            .severity("high")
            .detail("batch_id", id);
        let (report, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let lease = self.take_lease(id, operator, audit).await?;
                let ran = self
                    .run_leased(audit, operator, id, limit, progress, &hooks, &lease)
                    .await;
                // Released on every path; a release that fails leaves a lease that lapses
                // within RUN_LEASE_TTL_SECS, so it must not hide the run's own outcome.
                let _ = self.release_lease(id, &lease).await;
                ran
            },
        )
        .await?;
        Ok(report)
    }

    /// The run itself, under `lease` (renewed before every item).
    #[allow(clippy::too_many_arguments)]
    async fn run_leased(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        id: &str,
        limit: Option<usize>,
        progress: Progress<'_>,
        hooks: &RunHooks<'_>,
        lease: &RunLease,
    ) -> Result<(BatchReport, Map<String, serde_json::Value>), CoreError> {
        let view = self.show_batch(id).await?;
        let already_finished = view.finished_at.is_some();
        let plan = view.plan;
        let mut results: HashMap<usize, ItemResult> =
            view.results.into_iter().map(|r| (r.index, r)).collect();
        let sessions = match plan.action {
            BatchAction::RevokeSessions { .. } => self.sessions_by_user().await?,
            _ => HashMap::new(),
        };
        let total = plan.items.len();
        let mut ran_now = 0;
        // Renewed between items once a third of its TTL has passed, not before every item: a
        // 10,000-item batch would otherwise pay a second round trip per item for nothing.
        let mut renewed_at = audit.clock().now();
        for (index, item) in plan.items.iter().enumerate() {
            if results.contains_key(&index) {
                continue;
            }
            if limit.is_some_and(|l| ran_now >= l)
                || hooks.stop.is_some_and(|s| s.load(Ordering::SeqCst))
            {
                break;
            }
            let now = audit.clock().now();
            if now - renewed_at >= chrono::Duration::seconds(RUN_LEASE_RENEW_SECS as i64) {
                self.renew_lease(id, lease).await?;
                renewed_at = now;
            }
            let r = self
                .run_item(audit, operator, &plan, index, item, &sessions)
                .await?;
            (hooks.on_item)(&r);
            results.insert(index, r);
            ran_now += 1;
            progress(results.len(), total);
        }
        let finished = results.len() == total;
        if finished && !already_finished {
            // Finished: mark it and start its retention clock in one atomic write.
            let now = format_naive_iso(&audit.clock().now());
            self.ks
                .apply(&[
                    Write::HSet {
                        key: batch_key(id),
                        fields: vec![(FINISHED_FIELD.into(), now.into_bytes())],
                    },
                    Write::Expire {
                        key: batch_key(id),
                        ttl_secs: FINISHED_BATCH_TTL_SECS,
                    },
                ])
                .await?;
        }
        let mut all: Vec<ItemResult> = results.into_values().collect();
        all.sort_by_key(|r| r.index);
        let counts = count(&all, total);
        let mut extra = Map::new();
        extra.insert("ran_now".into(), ran_now.into());
        extra.insert("finished".into(), finished.into());
        extra.insert(
            "counts".into(),
            serde_json::to_value(&counts).unwrap_or_default(),
        );
        Ok((
            BatchReport {
                id: plan.id.clone(),
                action: plan.action.name().into(),
                total,
                ran_now,
                counts,
                finished,
                results: all,
            },
            extra,
        ))
    }

    /// Take the batch's run lease, or say who holds it.
    async fn take_lease(
        &self,
        id: &str,
        operator: &Operator,
        audit: &AuditWriter,
    ) -> Result<RunLease, CoreError> {
        let key = run_lease_key(id);
        let lease = RunLease {
            token: self.token(12),
            operator: operator.id.clone(),
            since: format_naive_iso(&audit.clock().now()),
        };
        let guards = [Guard::Exists {
            key: key.clone(),
            exists: false,
        }];
        let writes = [Write::Set {
            key: key.clone(),
            value: lease.to_value(),
            ttl_secs: Some(RUN_LEASE_TTL_SECS),
        }];
        if self.ks.apply_guarded(&guards, &writes).await? == Applied::Done {
            return Ok(lease);
        }
        let holder = self.ks.get(&key).await?.and_then(|v| RunLease::parse(&v));
        Err(CoreError::Conflict(match holder {
            Some(h) => format!(
                "batch {id} is already being run by {} (since {} UTC); wait for that run to end \
                 (a run that stopped without ending lets go within {RUN_LEASE_TTL_SECS} s)",
                h.operator, h.since
            ),
            None => format!(
                "batch {id} is already being run elsewhere; wait for that run to end (a run that \
                 stopped without ending lets go within {RUN_LEASE_TTL_SECS} s)"
            ),
        }))
    }

    /// Extend the lease between items; refused when it lapsed and another run took it.
    async fn renew_lease(&self, id: &str, lease: &RunLease) -> Result<(), CoreError> {
        let key = run_lease_key(id);
        let guards = [Guard::StringIs {
            key: key.clone(),
            value: Some(lease.to_value()),
        }];
        let writes = [Write::Set {
            key,
            value: lease.to_value(),
            ttl_secs: Some(RUN_LEASE_TTL_SECS),
        }];
        match self.ks.apply_guarded(&guards, &writes).await? {
            Applied::Done => Ok(()),
            Applied::Conflict => Err(CoreError::Conflict(format!(
                "this run of batch {id} lost its lease (an item took over {RUN_LEASE_TTL_SECS} s \
                 and another run took over); it stopped here and the batch resumes from this item"
            ))),
        }
    }

    /// Drop the lease if it is still this run's.
    async fn release_lease(&self, id: &str, lease: &RunLease) -> Result<(), CoreError> {
        let key = run_lease_key(id);
        let guards = [Guard::StringIs {
            key: key.clone(),
            value: Some(lease.to_value()),
        }];
        self.ks
            .apply_guarded(&guards, &[Write::Del { keys: vec![key] }])
            .await?;
        Ok(())
    }

    /// One item, audited on its own. `Err` only when its result could not be recorded.
    async fn run_item(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        plan: &BatchPlan,
        index: usize,
        item: &PlannedItem,
        sessions: &HashMap<String, Vec<String>>,
    ) -> Result<ItemResult, CoreError> {
        let uid = item.user_id.as_str();
        let (event, name) = match &plan.action {
            BatchAction::Deactivate { .. } => ("console_user_deactivated", "user.deactivate"),
            BatchAction::Reactivate { .. } => ("console_user_reactivated", "user.reactivate"),
            BatchAction::ChangeRole {
                role: Role::Admin, ..
            } => ("permission_change", "user.role.request_admin"),
            BatchAction::ChangeRole { .. } => ("permission_change", "user.role.change"),
            BatchAction::RevokeSessions { .. } => ("user_logout", "user.sessions.revoke_all"),
        };
        let mut action = AuditAction::new(event, name)
            .subject(uid)
            .severity("high")
            .detail("batch_id", plan.id.clone())
            .detail("batch_item", index);
        if let Some(r) = plan.action.reason() {
            action = action.detail("reason", r);
        }
        let at = format_naive_iso(&audit.clock().now());
        let key = batch_key(&plan.id);
        let record = |r: &ItemResult| Write::HSet {
            key: key.clone(),
            fields: vec![(item_field(index), r.to_json().into_bytes())],
        };
        let base = ItemResult {
            index,
            user_id: uid.to_owned(),
            status: ItemStatus::Done,
            kind: ItemKind::Change,
            field: item.field.clone(),
            before: None,
            after: None,
            approval_id: None,
            error: None,
            at: at.clone(),
        };
        let outcome = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                operator_guard(&self.ks, operator, uid, AccountChange::Standing).await?;
                let result = match &plan.action {
                    BatchAction::Deactivate { .. } | BatchAction::Reactivate { .. } => {
                        let want = matches!(plan.action, BatchAction::Reactivate { .. });
                        let of = |c: &StatusChange| active_result(&base, c);
                        let c = self
                            .write_active(uid, want, |c| vec![record(&of(c))])
                            .await?;
                        of(&c)
                    }
                    BatchAction::ChangeRole { role, reason } if *role == Role::Admin => {
                        let user = self.load(uid).await?;
                        let before = Some(user.role.as_str().to_owned());
                        if user.role == Role::Admin {
                            let r = ItemResult {
                                status: ItemStatus::Unchanged,
                                kind: ItemKind::NoChange,
                                before: before.clone(),
                                after: before,
                                ..base.clone()
                            };
                            self.ks.apply(&[record(&r)]).await?;
                            r
                        } else {
                            let of = |req: &rampart_domain::approval::ApprovalRequest| ItemResult {
                                status: ItemStatus::ApprovalRequested,
                                kind: ItemKind::ApprovalRequest,
                                before: before.clone(),
                                after: Some(Role::Admin.as_str().into()),
                                approval_id: Some(req.id.clone()),
                                ..base.clone()
                            };
                            let now = audit.clock().now();
                            let req = self
                                .file_request(
                                    uid,
                                    user.role,
                                    &operator.id,
                                    &now,
                                    reason.clone(),
                                    Some(plan.id.clone()),
                                    |req| vec![record(&of(req))],
                                )
                                .await?;
                            of(&req)
                        }
                    }
                    BatchAction::ChangeRole { role, .. } => {
                        let of = |o: &RoleOutcome| role_result(&base, o);
                        let o = self
                            .write_role(uid, *role, |o| vec![record(&of(o))])
                            .await?;
                        of(&o)
                    }
                    BatchAction::RevokeSessions { .. } => {
                        self.load(uid).await?;
                        let tokens = sessions.get(uid).cloned().unwrap_or_default();
                        let n = tokens.len();
                        let r = ItemResult {
                            status: if n == 0 {
                                ItemStatus::Unchanged
                            } else {
                                ItemStatus::Done
                            },
                            kind: if n == 0 {
                                ItemKind::NoChange
                            } else {
                                ItemKind::Change
                            },
                            before: Some(n.to_string()),
                            after: Some("0".into()),
                            ..base.clone()
                        };
                        let mut writes = Vec::new();
                        if n > 0 {
                            writes.push(Write::Del { keys: tokens });
                        }
                        writes.push(record(&r));
                        self.ks.apply(&writes).await?;
                        r
                    }
                };
                let mut extra = Map::new();
                extra.insert(
                    "status".into(),
                    serde_json::to_value(result.status).unwrap_or_default(),
                );
                if let (Some(b), Some(a)) = (&result.before, &result.after) {
                    extra.insert("before".into(), b.clone().into());
                    extra.insert("after".into(), a.clone().into());
                }
                Ok((result, extra))
            },
        )
        .await;
        let e = match outcome {
            Ok((r, _)) => {
                if r.status == ItemStatus::Done {
                    self.touched(uid);
                }
                return Ok(r);
            }
            Err(e) => e,
        };
        // A refusal of the operator's role or an unreachable store would refuse every item
        // alike: stop the run (it resumes from here) instead of recording a wall of identical
        // failures. `mutate` refuses the role before the body runs; a refusal from the body
        // (`operator_guard`: this user is an operator's account) is about this item alone, so
        // it is recorded and the run goes on.
        let role_refused = !allows(operator.role, Capability::AdministerIdentity);
        if matches!(
            e,
            CoreError::Store(StoreError::ReadOnly { .. })
                | CoreError::Store(StoreError::Unreachable { .. })
        ) || (role_refused && matches!(e, CoreError::Forbidden(_)))
        {
            return Err(e);
        }
        let status = match e {
            CoreError::NotFound(_) | CoreError::Malformed(_) => ItemStatus::Skipped,
            _ => ItemStatus::Failed,
        };
        let r = ItemResult {
            status,
            kind: if status == ItemStatus::Skipped {
                ItemKind::Skip
            } else {
                item.kind
            },
            error: Some(e.to_string()),
            ..base
        };
        self.ks.apply(&[record(&r)]).await?;
        Ok(r)
    }

    /// Refresh-token keys per user: one SCAN of `refresh_token:*` (the seed keeps no per-user
    /// index, CONTRACT §1.6). Values that do not parse cannot be attributed and are left alone.
    async fn sessions_by_user(&self) -> Result<HashMap<String, Vec<String>>, CoreError> {
        let mut all = Vec::new();
        self.seed
            .scan_each("refresh_token:*", |b| all.extend(b))
            .await?;
        all.sort();
        all.dedup();
        let mut by_user: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in all.chunks(MAX_BATCH) {
            for (key, v) in chunk.iter().zip(self.ks.get_many(chunk).await?) {
                if let Ok(Some(bytes)) = v {
                    if let Ok(r) = RefreshRecord::parse(&bytes) {
                        by_user.entry(r.user_id).or_default().push(key.clone());
                    }
                }
            }
        }
        Ok(by_user)
    }
}

fn active_result(base: &ItemResult, c: &StatusChange) -> ItemResult {
    let b = rampart_domain::user::py_bool(c.before).to_string();
    let a = rampart_domain::user::py_bool(c.after).to_string();
    ItemResult {
        status: if c.changed {
            ItemStatus::Done
        } else {
            ItemStatus::Unchanged
        },
        kind: if c.changed {
            ItemKind::Change
        } else {
            ItemKind::NoChange
        },
        before: Some(b),
        after: Some(a),
        ..base.clone()
    }
}

fn role_result(base: &ItemResult, o: &RoleOutcome) -> ItemResult {
    match o {
        RoleOutcome::Changed { before, after, .. } => ItemResult {
            before: Some(before.as_str().into()),
            after: Some(after.as_str().into()),
            ..base.clone()
        },
        RoleOutcome::Unchanged { role, .. } => ItemResult {
            status: ItemStatus::Unchanged,
            kind: ItemKind::NoChange,
            before: Some(role.as_str().into()),
            after: Some(role.as_str().into()),
            ..base.clone()
        },
        RoleOutcome::ApprovalRequested { request } => ItemResult {
            status: ItemStatus::ApprovalRequested,
            kind: ItemKind::ApprovalRequest,
            before: Some(request.from_role.as_str().into()),
            after: Some(request.to_role.as_str().into()),
            approval_id: Some(request.id.clone()),
            ..base.clone()
        },
    }
}

fn count(results: &[ItemResult], total: usize) -> BatchCounts {
    let mut c = BatchCounts {
        pending: total - results.len(),
        ..Default::default()
    };
    for r in results {
        match r.status {
            ItemStatus::Done => c.done += 1,
            ItemStatus::Unchanged => c.unchanged += 1,
            ItemStatus::ApprovalRequested => c.approval_requested += 1,
            ItemStatus::Skipped => c.skipped += 1,
            ItemStatus::Failed => c.failed += 1,
        }
    }
    c
}
