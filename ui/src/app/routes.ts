// The page table. Each route declares the console capability it needs; the session lists what
// the operator's role may do (computed in Rust, which also enforces it; the nav only reflects it)
// and whether it is built yet. Pages not built yet stay visible in the nav, disabled.
import type { Capability } from "../platform";
import type { MessageKey } from "../i18n";

export type { Capability };

export type RouteId =
  | "overview"
  | "users"
  | "mfa"
  | "approvals"
  | "keys"
  | "ceremony"
  | "records"
  | "audit"
  | "threats"
  | "privacy"
  | "operators"
  | "connections"
  | "settings";

export type NavGroup = "monitor" | "identity" | "keys" | "data" | "console";

export interface RouteDef {
  id: RouteId;
  path: `/${string}`;
  label: MessageKey;
  group: NavGroup;
  /** null: this machine's own preferences, open to every signed-in operator */
  needs: Capability | null;
  available: boolean;
}

export const ROUTES: readonly RouteDef[] = [
  { id: "overview", path: "/overview", label: "nav.overview", group: "monitor", needs: "read", available: true },
  { id: "threats", path: "/threats", label: "nav.threats", group: "monitor", needs: "read", available: true },
  { id: "audit", path: "/audit", label: "nav.audit", group: "monitor", needs: "read", available: false },
  { id: "users", path: "/users", label: "nav.users", group: "identity", needs: "read", available: true },
  { id: "mfa", path: "/mfa", label: "nav.mfa", group: "identity", needs: "read", available: true },
  { id: "approvals", path: "/approvals", label: "nav.approvals", group: "identity", needs: "read", available: true },
  { id: "keys", path: "/keys", label: "nav.keys", group: "keys", needs: "read", available: false },
  { id: "ceremony", path: "/ceremony", label: "nav.ceremony", group: "keys", needs: "administer_keys", available: false },
  { id: "records", path: "/records", label: "nav.records", group: "data", needs: "read", available: false },
  { id: "privacy", path: "/privacy", label: "nav.privacy", group: "data", needs: "read", available: false },
  { id: "operators", path: "/operators", label: "nav.operators", group: "console", needs: "read", available: true },
  { id: "connections", path: "/connections", label: "nav.connections", group: "console", needs: null, available: true },
  { id: "settings", path: "/settings", label: "nav.settings", group: "console", needs: null, available: true },
];

export const NAV_GROUPS: readonly { id: NavGroup; label: MessageKey }[] = [
  { id: "monitor", label: "nav.group.monitor" },
  { id: "identity", label: "nav.group.identity" },
  { id: "keys", label: "nav.group.keys" },
  { id: "data", label: "nav.group.data" },
  { id: "console", label: "nav.group.console" },
];

export const HOME: RouteId = "overview";

export function route(id: RouteId): RouteDef {
  const found = ROUTES.find((r) => r.id === id);
  if (!found) throw new Error(`unknown route ${id}`);
  return found;
}

/** Link builder: `<a href={href("settings")}>`. */
export function href(id: RouteId): string {
  return `#${route(id).path}`;
}

/** The route a location hash names, or home when it names none that is built. */
export function fromHash(hash: string): RouteId {
  const path = hash.replace(/^#/, "") || "/";
  const found = ROUTES.find((r) => r.path === path && r.available);
  return found ? found.id : HOME;
}

export type Access = "open" | "later" | "denied";

export function access(def: RouteDef, capabilities: readonly Capability[]): Access {
  if (!def.available) return "later";
  if (def.needs && !capabilities.includes(def.needs)) return "denied";
  return "open";
}
