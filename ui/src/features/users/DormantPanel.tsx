// Dormant accounts (issue 4, items 3 and 8): users with no login for N days (default 90; a user
// who never signed in counts from `created_at`, the Rust side's rule), listed with their count;
// "deactivate all" asks for the reason, shows the Rust side's dry run (exactly what will change,
// and what is skipped), then runs it with a result per item. A batch cut short — stopped here,
// or the console closed — resumes with the items that have no result yet.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT } from "../../i18n";
import { BatchPreview, type BatchPhase, type ItemOutcome } from "../../shared/BatchPreview";
import { EmptyState } from "../../shared/EmptyState";
import { Spinner } from "../../shared/Progress";
import { ReasonDialog } from "../../shared/ReasonDialog";
import { Time } from "../../shared/Time";
import { VirtualTable, type VColumn } from "../../shared/VirtualTable";
import { ActionError } from "./actionError";
import { DEFAULT_QUERY, queryKey, type BatchPlan, type DormantApi, type UserQuery, type UserRow, type UsersApi } from "./api";
import { RoleBadge } from "./UsersPage";
import "./users.css";

const DEFAULT_DAYS = 90;
const DAYS_SETTLE_MS = 350;

export function DormantPanel(props: { users: UsersApi; api: DormantApi; canWrite?: boolean }) {
  const t = useT();
  const daysId = useId();
  const [daysText, setDaysText] = useState(String(DEFAULT_DAYS));
  const [days, setDays] = useState(DEFAULT_DAYS);
  const [total, setTotal] = useState<number | null>(null);
  const [asking, setAsking] = useState(false);
  const [planning, setPlanning] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [plan, setPlan] = useState<BatchPlan | null>(null);
  const [results, setResults] = useState<ReadonlyMap<string, ItemOutcome>>(new Map());
  const [phase, setPhase] = useState<BatchPhase>("preview");
  const [runError, setRunError] = useState<IpcError | null>(null);
  const [unfinished, setUnfinished] = useState<BatchPlan | null>(null);
  const running = useRef<AbortController | null>(null);
  const canWrite = props.canWrite ?? false;

  const parsed = Number(daysText);
  const daysValid = /^\d+$/.test(daysText.trim()) && parsed >= 1 && parsed <= 3650;
  useEffect(() => {
    if (!daysValid || parsed === days) return;
    const timer = setTimeout(() => setDays(parsed), DAYS_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [daysText, daysValid, parsed, days]);

  useEffect(() => {
    if (!canWrite) return;
    const c = new AbortController();
    props.api.unfinished(c.signal).then(
      (p) => !c.signal.aborted && setUnfinished(p),
      () => undefined,
    );
    return () => c.abort();
  }, [props.api, canWrite]);

  useEffect(() => () => running.current?.abort(), []);

  const query = useMemo<UserQuery>(() => ({ ...DEFAULT_QUERY, dormant_days: days, sort: { key: "last_login", dir: "asc" } }), [days]);
  const users = props.users;
  const fetchRange = useCallback(
    async (offset: number, limit: number, signal: AbortSignal) => {
      const page = await users.page(query, offset, limit, signal);
      if (!signal.aborted) setTotal(page.total);
      return page;
    },
    [users, query],
  );

  const columns = useMemo<VColumn<UserRow>[]>(
    () => [
      { key: "email", header: t("users.col.email"), width: 220, grow: 3, cell: (u) => <span title={u.email}>{u.email}</span> },
      { key: "username", header: t("users.col.username"), width: 120, grow: 1, cell: (u) => u.username },
      { key: "role", header: t("users.col.role"), width: 130, cell: (u) => <RoleBadge role={u.role} /> },
      {
        key: "status",
        header: t("users.col.status"),
        width: 92,
        cell: (u) => <span className={u.is_active ? "status-dot status-ok" : "status-dot status-off"}>{u.is_active ? t("users.active") : t("users.inactive")}</span>,
      },
      {
        key: "last_login",
        header: t("users.col.last_login"),
        width: 190,
        cell: (u) => (u.last_login ? <Time iso={u.last_login} /> : <span className="muted">{t("users.never")}</span>),
      },
    ],
    [t],
  );

  const prepare = async (reason: string) => {
    setPlanning(true);
    setError(null);
    try {
      const c = new AbortController();
      const p = await props.api.planDeactivate(days, reason, c.signal);
      open(p);
      setAsking(false);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setPlanning(false);
    }
  };

  const open = (p: BatchPlan) => {
    setPlan(p);
    const m = new Map<string, ItemOutcome>(p.results.map((r) => [r.id, r.outcome]));
    setResults(m);
    setRunError(null);
    const left = p.items.some((it) => !it.skip && !m.has(it.id));
    setPhase(p.results.length === 0 ? "preview" : left ? "interrupted" : "done");
  };

  const run = async () => {
    if (!plan) return;
    const c = new AbortController();
    running.current = c;
    setPhase("running");
    setRunError(null);
    try {
      const end = await props.api.run(
        plan.batch_id,
        (id, outcome) => setResults((m) => new Map(m).set(id, outcome)),
        c.signal,
      );
      setPhase(end === "done" ? "done" : "interrupted");
      if (end === "done") setUnfinished(null);
    } catch (e) {
      // The store went away mid-batch: what has a result keeps it; the rest can resume.
      setRunError(toIpcError(e));
      setPhase("interrupted");
    } finally {
      running.current = null;
    }
  };

  const stop = () => {
    setPhase("cancelling");
    running.current?.abort();
  };

  if (plan) {
    const change = plan.items.filter((it) => !it.skip).length;
    return (
      <section className="panel dormant-panel" data-testid="dormant-panel" aria-label={t("dormant.title")}>
        <h2 className="panel-title">{t("dormant.batch.title", { days })}</h2>
        <BatchPreview
          batchId={plan.batch_id}
          items={plan.items}
          results={results}
          phase={phase}
          executeLabel={t("dormant.execute", { count: change })}
          destructive
          onExecute={() => void run()}
          onCancel={stop}
          onResume={() => void run()}
          onClose={() => {
            setPlan(null);
            setResults(new Map());
          }}
          error={<ActionError error={runError} testid="dormant-run-error" />}
          testid="dormant-batch"
        />
      </section>
    );
  }

  return (
    <section className="panel dormant-panel" data-testid="dormant-panel" aria-label={t("dormant.title")}>
      <div className="dormant-head">
        <div>
          <h2 className="panel-title">{t("dormant.title")}</h2>
          <div className="muted">{t("dormant.rule")}</div>
        </div>
        <span className="spacer" />
        <label className="filter" htmlFor={daysId}>
          <span className="filter-label">{t("dormant.days")}</span>
          <input
            id={daysId}
            className="input input-short num"
            inputMode="numeric"
            value={daysText}
            aria-invalid={!daysValid}
            onChange={(e) => setDaysText(e.target.value)}
            data-testid="dormant-days"
          />
        </label>
      </div>
      {/* The count and its action on their own line in both languages (a Korean count fits beside
          the days field and left the button alone on the next line). */}
      <div className="dormant-summary">
        <div className="dormant-count" data-testid="dormant-count" data-value={total ?? ""}>
          {total === null ? <Spinner /> : t("dormant.count", { count: total, days })}
        </div>
        {canWrite && (
          <button
            type="button"
            className="btn btn-danger-ghost"
            disabled={!total || !daysValid}
            onClick={() => {
              setError(null);
              setAsking(true);
            }}
            data-testid="dormant-deactivate"
          >
            {t("dormant.deactivate_all")}
          </button>
        )}
      </div>
      {!daysValid && <div className="field-error">{t("dormant.days.invalid")}</div>}
      {unfinished && (
        <div className="banner banner-warn" role="status" data-testid="dormant-unfinished">
          <div className="banner-body">
            <div className="banner-title">{t("batch.interrupted.title")}</div>
            <div className="banner-message">
              {t("dormant.unfinished", {
                left: itemsLeft(unfinished),
              })}
            </div>
          </div>
          <button type="button" className="btn btn-small" onClick={() => open(unfinished)} data-testid="dormant-open-unfinished">
            {t("dormant.open_unfinished")}
          </button>
        </div>
      )}
      <div className="dormant-table">
        <VirtualTable<UserRow>
          label={t("dormant.title")}
          columns={columns}
          fetchRange={fetchRange}
          queryKey={queryKey(query)}
          rowId={(u) => u.id}
          testid="dormant-table"
          empty={<EmptyState title={t("dormant.none", { days })} />}
        />
      </div>
      <ReasonDialog
        open={asking}
        title={t("dormant.reason.title")}
        change={t("dormant.reason.change", { count: total ?? 0, days })}
        confirmLabel={t("dormant.reason.confirm")}
        onConfirm={(r) => void prepare(r)}
        onCancel={() => setAsking(false)}
        busy={planning}
        error={<ActionError error={error} />}
        testid="dormant-reason"
      />
    </section>
  );
}

/** Planned items of a batch that have no result yet. */
function itemsLeft(p: BatchPlan): number {
  const done = new Set(p.results.map((r) => r.id));
  return p.items.filter((it) => !it.skip && !done.has(it.id)).length;
}
