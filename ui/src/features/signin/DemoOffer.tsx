import { useState } from "react";
import { demoSeed, toIpcError, type DemoPhase, type DemoProgress, type DemoReport, type IpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { useFormat } from "../../shared/format";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { ProgressBar, Spinner } from "../../shared/Progress";

const PHASES: Record<DemoPhase, MessageKey> = {
  passwords: "demo.phase.passwords",
  keyspace: "demo.phase.keyspace",
  events: "demo.phase.events",
  records: "demo.phase.records",
};

/** First run on an empty embedded store: load the demo data set, with progress. */
export function DemoOffer(props: { onSeeded: (report: DemoReport) => void }) {
  const t = useT();
  const f = useFormat();
  const [progress, setProgress] = useState<DemoProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  async function seed() {
    setRunning(true);
    setError(null);
    setProgress(null);
    try {
      props.onSeeded(await demoSeed(setProgress));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setRunning(false);
    }
  }

  const phaseKey = progress ? PHASES[progress.phase] : undefined;
  const phase = progress ? (phaseKey ? t(phaseKey) : progress.phase) : t("demo.phase.starting");
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : null;
  return (
    <section className="panel demo-offer" data-testid="demo-offer">
      <h2 className="panel-title">{t("demo.title")}</h2>
      <p>{t("demo.body")}</p>
      {error && <ErrorBanner error={error} title={t("demo.failed")} />}
      {running ? (
        <div className="demo-progress" data-testid="demo-progress" data-phase={progress?.phase ?? ""}>
          <div className="demo-progress-line">
            <span>
              <Spinner /> {phase}
            </span>
            {progress && progress.total > 0 && (
              <span className="num muted">
                {f.number(progress.done)} / {f.number(progress.total)} · {f.percent(fraction)}
              </span>
            )}
          </div>
          <ProgressBar value={fraction} label={phase} />
          <p className="note">{t("demo.resumable")}</p>
        </div>
      ) : (
        <button type="button" className="btn btn-primary" onClick={seed} data-testid="demo-seed-button">
          {error ? t("demo.retry") : t("demo.button")}
        </button>
      )}
    </section>
  );
}
