import type { ConnectionState, Language, SessionView } from "../platform";
import { useT } from "../i18n";
import { Badge } from "../shared/Badge";
import { roleKey } from "../shared/roles";
import { useFormat } from "../shared/format";
import { LanguageToggle } from "./LanguageToggle";

export function TopBar(props: {
  session: SessionView;
  connection: ConnectionState | null;
  onLanguage: (language: Language) => void;
  onSignOut: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const { session, connection } = props;
  const since = f.time(session.signed_in_at);
  const readOnly = session.read_only || (connection?.read_only ?? false);
  return (
    <header className="topbar">
      <div className="topbar-left">
        <span className="topbar-label">{t("top.profile")}</span>
        <span className="topbar-profile mono" data-testid="session-profile">
          {session.profile}
        </span>
        {connection && (
          <span className="topbar-target mono muted" title={t("conn.keyspace")}>
            {connection.keyspace}
          </span>
        )}
        {readOnly && (
          <Badge tone="warn" testid="readonly-badge" title={t("badge.read_only.title")}>
            {t("badge.read_only")}
          </Badge>
        )}
      </div>
      <div className="topbar-right">
        <span className="topbar-operator">
          <span
            className="topbar-email"
            title={since ? t("top.signed_in_at", { time: `${since.local} ${since.abbreviation}` }) : undefined}
            data-testid="session-email"
          >
            {session.email}
          </span>
          <Badge tone="info" testid="session-role" value={session.role}>
            {t(roleKey(session.role))}
          </Badge>
        </span>
        <LanguageToggle onChange={props.onLanguage} />
        <button type="button" className="btn btn-small" onClick={props.onSignOut} data-testid="signout">
          {t("top.signout")}
        </button>
      </div>
    </header>
  );
}
