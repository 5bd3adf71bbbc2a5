// A bulk action in two steps: the dry run lists exactly what will change (or why an item will be
// skipped), then execution reports a result per item. One failure does not stop the rest; a
// batch cut short (cancelled, the console closed, the store gone) resumes with the items that
// have no result yet. The component only shows state: the caller runs the batch.
import { useCallback, useMemo, type ReactNode } from "react";
import { useT } from "../i18n";
import { Badge } from "./Badge";
import { useFormat } from "./format";
import { ProgressBar, Spinner } from "./Progress";
import { VirtualTable, type VColumn } from "./VirtualTable";
import "./uikit.css";

/** What the dry run says will happen to an item (the Rust side's plan). */
export type BatchItemKind = "change" | "no_change" | "approval_request" | "skip";

/** One item of the dry run. `skip` set: the item will not be touched, and why. */
export interface BatchItem {
  id: string;
  /** what the operator recognises: an e-mail, a key id */
  label: string;
  /** absent: `skip` decides (change when unset) */
  kind?: BatchItemKind;
  /** the field that changes: `is_active`, `role`, `sessions` (a count of refresh tokens) */
  field?: string;
  before?: string | null;
  after?: string | null;
  skip?: string | null;
}

export type ItemOutcome =
  | { status: "ok" }
  /** already in the wanted state when the item ran: nothing written */
  | { status: "unchanged" }
  /** a four-eyes request was filed instead of the change (promotion to admin) */
  | { status: "requested"; approval_id: string }
  | { status: "failed"; message: string }
  | { status: "skipped"; reason: string };

/** preview: dry run shown; running; cancelling: the current item finishes, then it stops;
 *  interrupted: stopped with items left (resume); done: every item has an outcome. */
export type BatchPhase = "preview" | "running" | "cancelling" | "interrupted" | "done";

export interface BatchCounts {
  /** planned: items that will be acted on (approval requests included) */
  change: number;
  /** planned: of those, promotions that become four-eyes requests */
  requests: number;
  skip: number;
  ok: number;
  requested: number;
  failed: number;
  /** skipped or already unchanged when run */
  skipped: number;
  pending: number;
}

export function countBatch(items: readonly BatchItem[], results: ReadonlyMap<string, ItemOutcome>): BatchCounts {
  const c: BatchCounts = { change: 0, requests: 0, skip: 0, ok: 0, requested: 0, failed: 0, skipped: 0, pending: 0 };
  for (const item of items) {
    if (item.skip) c.skip++;
    else c.change++;
    if (item.kind === "approval_request") c.requests++;
    const r = results.get(item.id);
    if (!r) {
      if (!item.skip) c.pending++;
    } else if (r.status === "ok") c.ok++;
    else if (r.status === "requested") c.requested++;
    else if (r.status === "failed") c.failed++;
    else c.skipped++;
  }
  return c;
}

export function BatchPreview(props: {
  /** identifies this batch: a new id resets the table */
  batchId: string;
  items: readonly BatchItem[];
  results: ReadonlyMap<string, ItemOutcome>;
  phase: BatchPhase;
  /** "Deactivate 1,204 users" */
  executeLabel: string;
  onExecute: () => void;
  onCancel: () => void;
  onResume: () => void;
  /** closes the preview (not offered while running) */
  onClose?: () => void;
  destructive?: boolean;
  /** a failure of the batch as a whole (the store went away) */
  error?: ReactNode;
  testid?: string;
}) {
  const t = useT();
  const f = useFormat();
  const { items, results, phase } = props;
  const counts = useMemo(() => countBatch(items, results), [items, results]);
  const processed = counts.ok + counts.requested + counts.failed + counts.skipped - countSkippedPreview(items, results);
  const fetchRange = useCallback(
    (offset: number, limit: number) => Promise.resolve({ total: items.length, rows: items.slice(offset, offset + limit) }),
    [items],
  );

  const columns: VColumn<BatchItem>[] = [
    { key: "item", header: t("batch.col.item"), width: 220, grow: 2, cell: (r) => <span title={r.label}>{r.label}</span> },
    {
      key: "change",
      header: t("batch.col.change"),
      width: 240,
      grow: 2,
      cell: (r) =>
        r.kind === "no_change" ? (
          <span className="batch-skip" data-kind="no_change">
            {t("batch.no_change", { value: fieldValue(t, r.field, r.before) })}
          </span>
        ) : r.skip ? (
          <span className="batch-skip" data-kind="skip">
            {t("batch.will_skip", { reason: r.skip })}
          </span>
        ) : (
          <span className="batch-change" data-kind={r.kind ?? "change"}>
            {r.before != null && <span className="batch-before">{fieldValue(t, r.field, r.before)}</span>}
            <span className="batch-arrow" aria-label={t("batch.becomes")}>
              →
            </span>
            <span className="batch-after">{fieldValue(t, r.field, r.after)}</span>
            {r.kind === "approval_request" && (
              <Badge tone="info" title={t("batch.approval_request.title")}>
                {t("batch.approval_request")}
              </Badge>
            )}
          </span>
        ),
    },
    {
      key: "result",
      header: t("batch.col.result"),
      width: 220,
      grow: 2,
      cell: (r) => <Outcome outcome={results.get(r.id)} planned={!r.skip} running={phase === "running"} />,
    },
  ];

  const started = phase !== "preview";
  return (
    <div className="batch" data-testid={props.testid} data-phase={phase}>
      <div className="batch-summary" data-testid="batch-summary">
        {!started ? (
          <>
            <Badge tone="info" value={String(counts.change - counts.requests)} testid="batch-will-change">
              {t("batch.count.change", { count: f.number(counts.change - counts.requests) })}
            </Badge>
            {counts.requests > 0 && (
              <Badge tone="warn" value={String(counts.requests)} testid="batch-will-request">
                {t("batch.count.requests", { count: counts.requests })}
              </Badge>
            )}
            <Badge tone="neutral" value={String(counts.skip)} testid="batch-will-skip">
              {t("batch.count.skip", { count: f.number(counts.skip) })}
            </Badge>
            <span className="muted">{t("batch.dry_run")}</span>
          </>
        ) : (
          <>
            <Badge tone="ok" value={String(counts.ok)} testid="batch-ok">
              {t("batch.count.ok", { count: f.number(counts.ok) })}
            </Badge>
            {(counts.requested > 0 || counts.requests > 0) && (
              <Badge tone="warn" value={String(counts.requested)} testid="batch-requested">
                {t("batch.count.requested", { count: counts.requested })}
              </Badge>
            )}
            <Badge tone={counts.failed > 0 ? "danger" : "neutral"} value={String(counts.failed)} testid="batch-failed">
              {t("batch.count.failed", { count: f.number(counts.failed) })}
            </Badge>
            <Badge tone="neutral" value={String(counts.skipped)} testid="batch-skipped">
              {t("batch.count.skipped", { count: f.number(counts.skipped) })}
            </Badge>
            <Badge tone="neutral" value={String(counts.pending)} testid="batch-pending">
              {t("batch.count.pending", { count: f.number(counts.pending) })}
            </Badge>
          </>
        )}
      </div>

      {started && (
        <div className="batch-progress">
          <ProgressBar value={counts.change === 0 ? 1 : processed / counts.change} label={t("batch.progress")} testid="batch-progress" />
          <span className="num muted">
            {f.number(processed)} / {f.number(counts.change)}
          </span>
        </div>
      )}

      {phase === "interrupted" && (
        <div className="banner banner-warn" role="status" data-testid="batch-interrupted">
          <div className="banner-body">
            <div className="banner-title">{t("batch.interrupted.title")}</div>
            <div className="banner-message">
              {t("batch.interrupted.body", { done: processed, left: counts.pending })}
            </div>
          </div>
        </div>
      )}
      {phase === "done" && counts.failed > 0 && (
        <div className="banner banner-danger" role="alert" data-testid="batch-some-failed">
          <div className="banner-body">
            <div className="banner-title">{t("batch.failed.title", { count: f.number(counts.failed) })}</div>
            <div className="banner-message">{t("batch.failed.body")}</div>
            <FailureList items={items} results={results} />
          </div>
        </div>
      )}
      {props.error}

      <VirtualTable<BatchItem>
        label={t("batch.table")}
        columns={columns}
        fetchRange={fetchRange}
        queryKey={`${props.batchId}:${items.length}`}
        rowId={(r) => r.id}
        rowHeight={30}
        testid="batch-table"
      />

      <div className="form-actions">
        {phase === "preview" && (
          <button
            type="button"
            className={props.destructive ? "btn btn-danger" : "btn btn-primary"}
            disabled={counts.change === 0}
            onClick={props.onExecute}
            data-testid="batch-execute"
          >
            {props.executeLabel}
          </button>
        )}
        {(phase === "running" || phase === "cancelling") && (
          <button type="button" className="btn" onClick={props.onCancel} disabled={phase === "cancelling"} data-testid="batch-cancel">
            {phase === "cancelling" && <Spinner />}
            {phase === "cancelling" ? t("batch.cancelling") : t("batch.cancel")}
          </button>
        )}
        {phase === "interrupted" && (
          <button type="button" className="btn btn-primary" onClick={props.onResume} data-testid="batch-resume">
            {t("batch.resume", { count: f.number(counts.pending) })}
          </button>
        )}
        <span className="spacer" />
        {props.onClose && phase !== "running" && phase !== "cancelling" && (
          <button type="button" className="btn btn-ghost" onClick={props.onClose} data-testid="batch-close">
            {phase === "done" ? t("batch.close") : t("action.cancel")}
          </button>
        )}
      </div>
    </div>
  );
}

/** Failures shown in full (the result column cuts long sentences): the first few, each with
 *  the item and the Rust side's sentence. */
const FAILURES_SHOWN = 10;

function FailureList(props: { items: readonly BatchItem[]; results: ReadonlyMap<string, ItemOutcome> }) {
  const t = useT();
  const f = useFormat();
  const failed: { item: BatchItem; message: string }[] = [];
  for (const item of props.items) {
    const r = props.results.get(item.id);
    if (r?.status === "failed") failed.push({ item, message: r.message });
  }
  return (
    <ul className="batch-failures" data-testid="batch-failures">
      {failed.slice(0, FAILURES_SHOWN).map(({ item, message }) => (
        <li key={item.id}>
          <span className="batch-failure-item">{item.label}</span> {message}
        </li>
      ))}
      {failed.length > FAILURES_SHOWN && <li className="muted">{t("batch.failed.more", { count: f.number(failed.length - FAILURES_SHOWN) })}</li>}
    </ul>
  );
}

/** Items skipped by the dry run may also get a "skipped" outcome; they are not progress. */
function countSkippedPreview(items: readonly BatchItem[], results: ReadonlyMap<string, ItemOutcome>): number {
  let n = 0;
  for (const item of items) if (item.skip && results.has(item.id)) n++;
  return n;
}

function Outcome(props: { outcome: ItemOutcome | undefined; planned: boolean; running: boolean }) {
  const t = useT();
  const o = props.outcome;
  if (!o) {
    if (!props.planned) return null;
    return <span className="muted">{props.running ? t("batch.result.waiting") : "—"}</span>;
  }
  if (o.status === "ok") return <Badge tone="ok" value="ok">{t("batch.result.ok")}</Badge>;
  if (o.status === "unchanged")
    return (
      <span className="muted" data-value="unchanged">
        {t("batch.result.unchanged")}
      </span>
    );
  if (o.status === "requested")
    return (
      <Badge tone="warn" value="requested" title={o.approval_id}>
        {t("batch.result.requested")}
      </Badge>
    );
  if (o.status === "skipped")
    return (
      <span className="batch-skip" data-value="skipped" title={o.reason}>
        {t("batch.result.skipped", { reason: o.reason })}
      </span>
    );
  return (
    <span className="batch-fail" data-value="failed" title={o.message}>
      <Badge tone="danger">{t("batch.result.failed")}</Badge> {o.message}
    </span>
  );
}

/** A stored value in the operator's words: `True`/`False` of `is_active` as active/inactive,
 *  a session count as "N sessions"; a role or anything else as stored. */
function fieldValue(t: ReturnType<typeof useT>, field: string | undefined, v: string | null | undefined): string {
  if (v == null) return "";
  if (field === "is_active") return v === "True" ? t("users.active") : v === "False" ? t("users.inactive") : v;
  if (field === "sessions") return t("batch.sessions", { count: /^\d+$/.test(v) ? Number(v) : v });
  return v;
}
