import type { DemoReport } from "../../platform";
import { useT } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { roleKey } from "../../shared/roles";

/** What the demo load wrote and who can sign in now. Passwords and TOTP secrets are not shown:
 *  they are in the README, and secrets never come back over IPC. */
export function DemoReportPanel(props: { report: DemoReport; onPickOperator: (email: string) => void }) {
  const t = useT();
  const { report } = props;
    return (
      <section className="panel demo-offer" data-testid="demo-report">
        <h2 className="panel-title">{t("demo.done.title")}</h2>
        <p className="muted">
          {t("demo.done.summary", {
            users: report.users,
            events: report.events,
            records: report.records,
          })}
        </p>
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t("demo.done.operator")}</th>
              <th scope="col">{t("demo.done.role")}</th>
            </tr>
          </thead>
          <tbody>
            {report.operators.map((op) => (
              <tr key={op.email}>
                <td className="mono">
                  <button type="button" className="link" onClick={() => props.onPickOperator(op.email)}>
                    {op.email}
                  </button>
                </td>
                <td>
                  <Badge tone="info">{t(roleKey(op.role))}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="note">{t("demo.done.readme")}</p>
      </section>
    );
  }
