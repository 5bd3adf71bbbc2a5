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

/** One item of the dry run. `skip` set: the item will not be touched, and why. */
export interface BatchItem {
  id: string;
  /** what the operator recognises: an e-mail, a key id */
  label: string;
  before?: string | null;
  after?: string | null;
  skip?: string | null;
}

export type ItemOutcome =
  | { status: "ok" }
  | { status: "failed"; message: string }
  | { status: "skipped"; reason: string };

/** preview: dry run shown; running; cancelling: the current item finishes, then it stops;
 *  interrupted: stopped with items left (resume); done: every item has an outcome. */
export type BatchPhase = "preview" | "running" | "cancelling" | "interrupted" | "done";

export interface BatchCounts {
  change: number;
  skip: number;
  ok: number;
  failed: number;
  skipped: number;
  pending: number;
}

export function countBatch(items: readonly BatchItem[], results: ReadonlyMap<string, ItemOutcome>): BatchCounts {
  const c: BatchCounts = { change: 0, skip: 0, ok: 0, failed: 0, skipped: 0, pending: 0 };
  for (const item of items) {
    if (item.skip) c.skip++;
    else c.change++;
    const r = results.get(item.id);
    if (!r) {
      if (!item.skip) c.pending++;
    } else if (r.status === "ok") c.ok++;
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
  const processed = counts.ok + counts.failed + counts.skipped - countSkippedPreview(items, results);
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
        r.skip ? (
          <span className="batch-skip">{t("batch.will_skip", { reason: r.skip })}</span>
        ) : (
          <span className="batch-change">
            {r.before != null && <span className="batch-before">{r.before}</span>}
            <span className="batch-arrow" aria-label={t("batch.becomes")}>
              →
            </span>
            <span className="batch-after">{r.after ?? ""}</span>
          </span>
        ),
    },
    {
      key: "result",
      header: t("batch.col.result"),
      width: 200,
      grow: 1,
      cell: (r) => <Outcome outcome={results.get(r.id)} planned={!r.skip} running={phase === "running"} />,
    },
  ];

  const started = phase !== "preview";
  return (
    <div className="batch" data-testid={props.testid} data-phase={phase}>
      <div className="batch-summary" data-testid="batch-summary">
        {!started ? (
          <>
            <Badge tone="info" value={String(counts.change)} testid="batch-will-change">
              {t("batch.count.change", { count: f.number(counts.change) })}
            </Badge>
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
              {t("batch.interrupted.body", { done: f.number(processed), left: f.number(counts.pending) })}
            </div>
          </div>
        </div>
      )}
      {phase === "done" && counts.failed > 0 && (
        <div className="banner banner-danger" role="alert" data-testid="batch-some-failed">
          <div className="banner-body">
            <div className="banner-title">{t("batch.failed.title", { count: f.number(counts.failed) })}</div>
            <div className="banner-message">{t("batch.failed.body")}</div>
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
