// A bulk action's dry run and run on the users page (issue 4, item 8): what the Rust side's plan
// says per user (before → after, no change, approval request, skipped and why), then Execute
// with live progress and a result per item (done / unchanged / approval requested / skipped /
// failed with the error sentence). One failure does not stop the rest; "stop" ends the run after
// the current item, and the batch then resumes with the items that have no result yet.
import { useEffect, useRef, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { BatchPreview, type BatchPhase, type ItemOutcome } from "../../shared/BatchPreview";
import { Time } from "../../shared/Time";
import { ActionError } from "./actionError";
import type { BatchPlan, BatchRunner } from "./api";
import "./users.css";

/** The phase a plan opens in: fresh (preview), partly run (interrupted) or complete (done). */
export function openingPhase(plan: BatchPlan): BatchPhase {
  if (plan.results.length === 0) return "preview";
  const done = new Set(plan.results.map((r) => r.id));
  return plan.items.some((it) => !it.skip && !done.has(it.id)) ? "interrupted" : "done";
}

export function BulkPanel(props: {
  api: BatchRunner;
  plan: BatchPlan;
  /** start running at once (the Resume button of an interrupted batch) */
  autoRun?: boolean;
  /** `ran`: the batch ran (users may have changed: the table re-reads them) */
  onClose: (ran: boolean) => void;
}) {
  const t = useT();
  const { plan } = props;
  const [results, setResults] = useState<ReadonlyMap<string, ItemOutcome>>(() => new Map(plan.results.map((r) => [r.id, r.outcome])));
  const [phase, setPhase] = useState<BatchPhase>(() => openingPhase(plan));
  const [runError, setRunError] = useState<IpcError | null>(null);
  const [ran, setRan] = useState(false);
  const running = useRef<AbortController | null>(null);

  useEffect(() => () => running.current?.abort(), []);

  const run = async () => {
    const c = new AbortController();
    running.current = c;
    setPhase("running");
    setRunError(null);
    setRan(true);
    try {
      const end = await props.api.run(plan.batch_id, (id, outcome) => setResults((m) => new Map(m).set(id, outcome)), c.signal);
      setPhase(end === "done" ? "done" : "interrupted");
    } catch (e) {
      // The store went away mid-batch, or the run was refused: what has a result keeps it.
      setRunError(toIpcError(e));
      setPhase("interrupted");
    } finally {
      running.current = null;
    }
  };

  const autoRun = useRef(props.autoRun ?? false);
  useEffect(() => {
    if (autoRun.current) {
      autoRun.current = false;
      void run();
    }
    // Once, on open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const action = plan.action;
  const requests = plan.items.filter((it) => it.kind === "approval_request").length;
  const change = plan.items.filter((it) => !it.skip).length - requests;
  // A promotion to admin is never a change the batch makes: say "request", not "change".
  const executeLabel =
    requests === 0
      ? t(`bulk.execute.${action}` as MessageKey, { count: change })
      : change === 0
        ? t("bulk.execute.requests", { count: requests })
        : t("bulk.execute.change_and_requests", { count: change, requests });
  const title = t(`bulk.title.${action}` as MessageKey, { role: plan.to_role ?? "" });
  return (
    <section className="panel bulk-panel" data-testid="bulk-panel" data-batch={plan.batch_id} data-action={action} aria-label={title}>
      <div className="bulk-head">
        <h2 className="panel-title">{title}</h2>
        <div className="muted bulk-meta">
          {t("bulk.meta", { reason: plan.reason ?? "—", who: plan.created_by })} · <Time iso={plan.created_at} />
        </div>
      </div>
      <BatchPreview
        batchId={plan.batch_id}
        items={plan.items}
        results={results}
        phase={phase}
        executeLabel={executeLabel}
        destructive={action !== "change_role"}
        onExecute={() => void run()}
        onCancel={() => {
          setPhase("cancelling");
          running.current?.abort();
        }}
        onResume={() => void run()}
        onClose={() => props.onClose(ran)}
        error={<ActionError error={runError} testid="bulk-run-error" />}
        testid="bulk-batch"
      />
    </section>
  );
}
