import type { Capability } from "../platform";
import { useT } from "../i18n";
import { Brand } from "./Brand";
import { access, href, NAV_GROUPS, ROUTES, type RouteId } from "./routes";

export function Sidebar(props: { current: RouteId; capabilities: readonly Capability[]; version: string }) {
  const t = useT();
  return (
    <nav className="sidebar" aria-label={t("nav.label")}>
      <Brand subtitle={t("app.tagline")} />
      <div className="nav">
        {NAV_GROUPS.map((group) => (
          <div className="nav-group" key={group.id}>
            <div className="nav-group-label">{t(group.label)}</div>
            {ROUTES.filter((r) => r.group === group.id).map((r) => {
              const state = access(r, props.capabilities);
              const label = t(r.label);
              if (state !== "open") {
                const tip = state === "later" ? t("nav.later.title") : t("nav.denied.title");
                return (
                  <span
                    key={r.id}
                    className="nav-item disabled"
                    aria-disabled="true"
                    title={tip}
                    data-testid={`nav-${r.id}`}
                    data-state={state}
                  >
                    <span className="nav-label">{label}</span>
                    <span className="nav-tag">{state === "later" ? t("nav.later") : t("nav.denied")}</span>
                  </span>
                );
              }
              return (
                <a
                  key={r.id}
                  href={href(r.id)}
                  className={props.current === r.id ? "nav-item active" : "nav-item"}
                  aria-current={props.current === r.id ? "page" : undefined}
                  data-testid={`nav-${r.id}`}
                  data-state="open"
                >
                  <span className="nav-label">{label}</span>
                </a>
              );
            })}
          </div>
        ))}
      </div>
      <div className="sidebar-foot mono">v{props.version}</div>
    </nav>
  );
}
