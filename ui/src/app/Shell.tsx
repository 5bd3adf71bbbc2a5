import { useEffect, useState, type ComponentType } from "react";
import type { ConnectionState, IpcError, Language, SessionView } from "../platform";
import { useT } from "../i18n";
import { EmptyState } from "../shared/EmptyState";
import { OverviewPage } from "../features/overview/OverviewPage";
import { ConnectionsPage } from "../features/connections/ConnectionsPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { ConfigErrorBanner } from "./ConfigErrorBanner";
import { access, fromHash, route, type RouteId } from "./routes";
import { Sidebar } from "./Sidebar";
import { TopBar } from "./TopBar";

/** The built pages. A route marked available without an entry here fails the type check. */
const PAGES: Partial<Record<RouteId, ComponentType>> = {
  overview: OverviewPage,
  connections: ConnectionsPage,
  settings: SettingsPage,
};

function useHashRoute(): RouteId {
  const [current, setCurrent] = useState<RouteId>(() => fromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setCurrent(fromHash(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return current;
}

export function Shell(props: {
  session: SessionView;
  connection: ConnectionState | null;
  version: string;
  configError: IpcError | null;
  configDir: string;
  onLanguage: (language: Language) => void;
  onSignOut: () => void;
}) {
  const t = useT();
  const current = useHashRoute();
  const def = route(current);
  const Page = PAGES[current];
  const allowed = access(def, props.session.capabilities) === "open";
  return (
    <div className="shell">
      <Sidebar current={current} capabilities={props.session.capabilities} version={props.version} />
      <div className="shell-main">
        <TopBar session={props.session} connection={props.connection} onLanguage={props.onLanguage} onSignOut={props.onSignOut} />
        <main className="content" key={current}>
          {props.configError && <ConfigErrorBanner error={props.configError} configDir={props.configDir} />}
          {Page && allowed ? (
            <Page />
          ) : (
            <EmptyState title={t("nav.denied.title")}>{t("nav.denied.body", { page: t(def.label) })}</EmptyState>
          )}
        </main>
      </div>
    </div>
  );
}
