import { lazy, Suspense, useEffect, useState, type ComponentType } from "react";
import type { ConnectionState, IpcError, Language, SessionView } from "../platform";
import { useT } from "../i18n";
import { EmptyState } from "../shared/EmptyState";
import { Spinner } from "../shared/Progress";
import { ConfigErrorBanner } from "./ConfigErrorBanner";
import { access, fromHash, route, type RouteId } from "./routes";
import { Sidebar } from "./Sidebar";
import { TopBar } from "./TopBar";

/** The built pages, each its own chunk loaded when first opened: the start-up bundle stays
 *  the sign-in screen's however many pages the console grows. */
const PAGES: Partial<Record<RouteId, ComponentType>> = {
  overview: lazy(() => import("../features/overview/OverviewPage").then((m) => ({ default: m.OverviewPage }))),
  connections: lazy(() =>
    import("../features/connections/ConnectionsPage").then((m) => ({ default: m.ConnectionsPage })),
  ),
  settings: lazy(() => import("../features/settings/SettingsPage").then((m) => ({ default: m.SettingsPage }))),
  // Identity pages load on first visit: the sign-in path never pays for them.
  users: lazy(() => import("./identityPages").then((m) => ({ default: m.UsersRoute }))),
  mfa: lazy(() => import("./identityPages").then((m) => ({ default: m.MfaRoute }))),
  approvals: lazy(() => import("./identityPages").then((m) => ({ default: m.ApprovalsRoute }))),
  threats: lazy(() => import("./identityPages").then((m) => ({ default: m.ThreatsRoute }))),
  operators: lazy(() => import("./operatorsRoute").then((m) => ({ default: m.OperatorsRoute }))),
};

function useHashRoute(): RouteId {
  const [current, setCurrent] = useState<RouteId>(() => fromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setCurrent(fromHash(window.location.hash));
    window.addEventListener("hashchange", onChange);
    // The hash can change between the first render and this effect (a link followed while the
    // shell mounts); that hashchange fired before anyone listened, so read it once now.
    onChange();
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
            <Suspense fallback={<Spinner />}>
              <Page />
            </Suspense>
          ) : (
            <EmptyState title={t("nav.denied.title")}>{t("nav.denied.body", { page: t(def.label) })}</EmptyState>
          )}
        </main>
      </div>
    </div>
  );
}
