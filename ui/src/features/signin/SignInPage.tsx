import { useState } from "react";
import type { ConnectionState, DemoReport, IpcError, ProfileView, SessionView } from "../../platform";
import { useT } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { Spinner } from "../../shared/Progress";
import { DemoOffer } from "./DemoOffer";
import { DemoReportPanel } from "./DemoReportPanel";
import { SignInForm } from "./SignInForm";

export function SignInPage(props: {
  profiles: readonly ProfileView[];
  connection: ConnectionState | null;
  /** the profile being connected to, while `connect` runs */
  connecting: string | null;
  /** the profile last chosen, shown even when connecting to it failed */
  chosen: string | null;
  connectError: IpcError | null;
  notice: string | null;
  onSelectProfile: (name: string) => void;
  onDemoSeeded: (report: DemoReport) => void;
  onSignedIn: (session: SessionView) => void;
  onManageConnections: () => void;
}) {
  const t = useT();
  const [pickedEmail, setPickedEmail] = useState<string | undefined>(undefined);
  // Kept here, not in the offer: the offer disappears once the store is no longer empty.
  const [demoReport, setDemoReport] = useState<DemoReport | null>(null);
  const { connection } = props;
  const selected = props.connecting ?? connection?.profile ?? props.chosen ?? "";

  return (
    <div className="signin-layout">
      <section className="panel signin-panel">
        <h1 className="signin-title">{t("signin.title")}</h1>
        <p className="muted">{t("signin.subtitle")}</p>

        {props.notice && <div className="banner banner-info">{props.notice}</div>}

        <div className="field">
          <label className="field-label" htmlFor="profile-select">
            {t("signin.profile")}
          </label>
          <div className="row">
            <select
              id="profile-select"
              className="input"
              value={selected}
              onChange={(e) => props.onSelectProfile(e.target.value)}
              disabled={props.connecting !== null}
              data-testid="profile-select"
            >
              {selected === "" && <option value="">{t("signin.profile.none")}</option>}
              {props.profiles.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.is_default ? ` — ${t("profile.default")}` : ""}
                  {p.read_only ? ` (${t("badge.read_only")})` : ""}
                </option>
              ))}
            </select>
            <button type="button" className="btn" onClick={props.onManageConnections} data-testid="signin-connections">
              {t("signin.manage_connections")}
            </button>
          </div>
        </div>

        {props.connecting !== null ? (
          <div className="connection-summary muted">
            <Spinner /> {t("signin.connecting", { profile: props.connecting })}
          </div>
        ) : (
          connection && (
            <dl className="connection-summary" data-testid="connection-summary">
              <div>
                <dt>{t("conn.keyspace")}</dt>
                <dd className="mono">{connection.keyspace}</dd>
              </div>
              <div>
                <dt>{t("conn.audit_index")}</dt>
                <dd className="mono">{connection.audit_index}</dd>
              </div>
              <div>
                <dt>{t("conn.records")}</dt>
                <dd className="mono">{connection.records ?? t("conn.records.none")}</dd>
              </div>
              {connection.read_only && (
                <div>
                  <dt>{t("conn.mode")}</dt>
                  <dd>
                    <Badge tone="warn" testid="readonly-badge" title={t("badge.read_only.title")}>
                      {t("badge.read_only")}
                    </Badge>
                  </dd>
                </div>
              )}
            </dl>
          )
        )}

        {props.connectError && <ErrorBanner error={props.connectError} title={t("signin.connect_failed")} />}

        {connection && !connection.operators_configured && !connection.demo_available && (
          <div className="banner banner-warn" data-testid="no-operators">
            {t("signin.no_operators")}
          </div>
        )}

        <SignInForm
          initialEmail={pickedEmail}
          disabled={!connection || props.connecting !== null}
          onSignedIn={props.onSignedIn}
        />
      </section>

      {demoReport ? (
        <DemoReportPanel report={demoReport} onPickOperator={setPickedEmail} />
      ) : (
        connection?.demo_available &&
        props.connecting === null && (
          <DemoOffer
            onSeeded={(report) => {
              setDemoReport(report);
              props.onDemoSeeded(report);
            }}
          />
        )
      )}
    </div>
  );
}
