// Every user of the store in one table that stays usable at a million rows: filters and search
// (as you type; a keystroke cancels the request of the one before), the index's progress while
// the first full scan runs, row selection for bulk actions (ids, or "everything matching" sent
// as the filter), and the selected user's detail beside the table.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { toIpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { useFormat } from "../../shared/format";
import { ProgressBar } from "../../shared/Progress";
import { NO_SELECTION, selectedCount, selectMatching, type Selection } from "../../shared/selection";
import { Time } from "../../shared/Time";
import { VirtualTable, type VColumn } from "../../shared/VirtualTable";
import {
  DEFAULT_QUERY,
  queryKey,
  SERVICE_ROLES,
  type UnreadableUser,
  type UserPage,
  type UserQuery,
  type UserRow,
  type UserSortKey,
  type ServiceRole,
  type UserAdminApi,
  type UsersApi,
} from "./api";
import type { MfaApi } from "../mfa/api";
import type { CopyText } from "../../shared/SecretText";
import { CreateUserDialog } from "./CreateUserDialog";
import { RoleChangeDialog } from "./RoleChangeDialog";
import { UserDetailPanel, type UserAction } from "./UserDetailPanel";
import "./users.css";

export type { UserAction } from "./UserDetailPanel";

export type BulkAction = "deactivate" | "change_role" | "revoke_sessions";

/** What a bulk action applies to: picked ids, or the filter itself (minus unticked rows). */
export type BulkTarget =
  | { kind: "ids"; ids: string[] }
  | { kind: "filter"; query: UserQuery; except: string[]; total: number };

const DORMANT_CHOICES = [30, 60, 90, 180, 365] as const;
/** While the index is still scanning, the table re-reads its rows this often. */
const INDEX_POLL_MS = 1000;

export function UsersPage(props: {
  api: UsersApi;
  /** false on a read-only profile or for an auditor: no selection, no actions */
  canWrite?: boolean;
  onAction?: (action: UserAction, user: UserRow) => void;
  /** a bulk role change carries the role and reason chosen in RoleChangeDialog (when `admin`
   *  is given; without it the caller asks) */
  onBulk?: (action: BulkAction, target: BulkTarget, choice?: { role: ServiceRole; reason: string }) => void;
  initialQuery?: UserQuery;
  /** create user, role change, sessions and API keys run in the page's dialogs when given */
  admin?: UserAdminApi;
  /** MFA enrolment, backup codes and reset run in the page's dialogs when given */
  mfa?: MfaApi;
  copy?: CopyText;
  print?: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const [query, setQuery] = useState<UserQuery>(props.initialQuery ?? DEFAULT_QUERY);
  const [showUnreadable, setShowUnreadable] = useState(false);
  const [meta, setMeta] = useState<Omit<UserPage, "rows"> | null>(null);
  const [revision, setRevision] = useState(0);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [open, setOpen] = useState<UserRow | null>(null);
  const [creating, setCreating] = useState(false);
  const [bulkRole, setBulkRole] = useState<BulkTarget | null>(null);
  const key = queryKey(query);
  const canWrite = props.canWrite ?? false;

  const api = props.api;
  const fetchUsers = useCallback(
    async (offset: number, limit: number, signal: AbortSignal) => {
      const page = await api.page(query, offset, limit, signal);
      if (!signal.aborted) {
        const { rows: _rows, ...rest } = page;
        setMeta(rest);
      }
      return page;
    },
    [api, query],
  );
  const fetchUnreadable = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => api.unreadable(offset, limit, signal),
    [api],
  );

  // A new query: what was selected under the old filter no longer means anything.
  const lastKey = useRef(key);
  useEffect(() => {
    if (lastKey.current !== key) {
      lastKey.current = key;
      setSelection(NO_SELECTION);
    }
  }, [key]);

  const indexing = meta !== null && !meta.complete;
  useEffect(() => {
    if (!indexing) return;
    const timer = setInterval(() => setRevision((r) => r + 1), INDEX_POLL_MS);
    return () => clearInterval(timer);
  }, [indexing]);

  const update = (patch: Partial<UserQuery>) => setQuery((q) => ({ ...q, ...patch }));
  const onSort = (k: string) =>
    setQuery((q) => ({
      ...q,
      sort: { key: k as UserSortKey, dir: q.sort.key === k && q.sort.dir === "asc" ? "desc" : "asc" },
    }));

  const columns = useMemo<VColumn<UserRow>[]>(
    () => [
      {
        key: "email",
        header: t("users.col.email"),
        width: 220,
        grow: 3,
        sortable: true,
        cell: (u) => <span title={u.email}>{u.email}</span>,
      },
      { key: "username", header: t("users.col.username"), width: 130, grow: 2, sortable: true, cell: (u) => u.username },
      { key: "role", header: t("users.col.role"), width: 136, sortable: true, cell: (u) => <RoleBadge role={u.role} /> },
      {
        key: "is_active",
        header: t("users.col.status"),
        width: 92,
        cell: (u) =>
          u.is_active ? (
            <span className="status-dot status-ok">{t("users.active")}</span>
          ) : (
            <span className="status-dot status-off">{t("users.inactive")}</span>
          ),
      },
      {
        key: "mfa",
        header: t("users.col.mfa"),
        width: 76,
        cell: (u) =>
          u.mfa_enabled ? (
            <span className="status-dot status-ok">{t("users.mfa.on")}</span>
          ) : (
            <span className={u.role === "admin" ? "status-dot status-danger" : "status-dot status-off"}>
              {t("users.mfa.off")}
            </span>
          ),
      },
      {
        key: "last_login",
        header: t("users.col.last_login"),
        width: 190,
        sortable: true,
        cell: (u) => (u.last_login ? <Time iso={u.last_login} /> : <span className="muted">{t("users.never")}</span>),
      },
      { key: "created_at", header: t("users.col.created"), width: 190, sortable: true, cell: (u) => <Time iso={u.created_at} /> },
    ],
    [t],
  );

  const unreadableColumns = useMemo<VColumn<UnreadableUser>[]>(
    () => [
      { key: "key", header: t("users.col.key"), width: 260, grow: 1, mono: true, cell: (u) => u.key },
      { key: "reason", header: t("users.col.reason"), width: 320, grow: 2, cell: (u) => <span title={u.reason}>{u.reason}</span> },
    ],
    [t],
  );

  const count = selectedCount(selection);
  const total = meta?.total ?? null;
  const target = (): BulkTarget =>
    selection.kind === "ids"
      ? { kind: "ids", ids: [...selection.ids] }
      : { kind: "filter", query, except: [...selection.except], total: selection.total };

  return (
    <div className="page page-fill users-page" data-testid="users-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("nav.users")}</h1>
          <div className="page-subtitle" data-testid="users-total" data-value={total ?? ""}>
            {total === null
              ? t("users.subtitle")
              : t(meta?.complete ? "users.total" : "users.total_so_far", { total: f.number(total) })}
          </div>
        </div>
        {canWrite && props.admin && (
          <div className="page-actions">
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="users-create">
              {t("create.open")}
            </button>
          </div>
        )}
      </header>

      {indexing && meta && (
        <div className="banner banner-info index-banner" role="status" data-testid="users-indexing">
          <div className="banner-body">
            <div className="banner-title">
              {meta.estimated
                ? t("users.indexing", { scanned: f.number(meta.scanned), estimated: f.number(meta.estimated) })
                : t("users.indexing.unknown", { scanned: f.number(meta.scanned) })}
            </div>
            <ProgressBar value={meta.estimated ? meta.scanned / meta.estimated : null} label={t("users.indexing.label")} />
          </div>
        </div>
      )}

      <div className="filter-bar" role="search">
        <input
          type="search"
          className="input filter-search"
          placeholder={t("users.search.placeholder")}
          aria-label={t("users.search")}
          value={query.search}
          onChange={(e) => update({ search: e.target.value })}
          disabled={showUnreadable}
          data-testid="users-search"
        />
        <FilterSelect
          label={t("users.filter.role")}
          value={query.role ?? ""}
          onChange={(v) => update({ role: v || null })}
          disabled={showUnreadable}
          testid="users-filter-role"
          options={[["", t("users.filter.any")], ...SERVICE_ROLES.map((r) => [r, r] as [string, string])]}
        />
        <FilterSelect
          label={t("users.filter.status")}
          value={query.active === null ? "" : String(query.active)}
          onChange={(v) => update({ active: v === "" ? null : v === "true" })}
          disabled={showUnreadable}
          testid="users-filter-active"
          options={[
            ["", t("users.filter.any")],
            ["true", t("users.active")],
            ["false", t("users.inactive")],
          ]}
        />
        <FilterSelect
          label={t("users.filter.mfa")}
          value={query.mfa === null ? "" : String(query.mfa)}
          onChange={(v) => update({ mfa: v === "" ? null : v === "true" })}
          disabled={showUnreadable}
          testid="users-filter-mfa"
          options={[
            ["", t("users.filter.any")],
            ["true", t("users.mfa.on")],
            ["false", t("users.mfa.off")],
          ]}
        />
        <FilterSelect
          label={t("users.filter.last_login")}
          value={query.dormant_days === null ? "" : String(query.dormant_days)}
          onChange={(v) => update({ dormant_days: v === "" ? null : Number(v) })}
          disabled={showUnreadable}
          testid="users-filter-dormant"
          options={[
            ["", t("users.filter.any")],
            ...DORMANT_CHOICES.map((d) => [String(d), t("users.filter.dormant", { days: d })] as [string, string]),
          ]}
        />
        <span className="spacer" />
        <button
          type="button"
          className={showUnreadable ? "btn btn-small filter-toggle active" : "btn btn-small filter-toggle"}
          aria-pressed={showUnreadable}
          onClick={() => {
            setShowUnreadable((v) => !v);
            setOpen(null);
          }}
          data-testid="users-filter-unreadable"
        >
          {t("users.filter.unreadable")}
          {meta && meta.unreadable > 0 && (
            <Badge tone="warn" value={String(meta.unreadable)}>
              {f.number(meta.unreadable)}
            </Badge>
          )}
        </button>
        {key !== queryKey(DEFAULT_QUERY) && !showUnreadable && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setQuery(DEFAULT_QUERY)} data-testid="users-filter-clear">
            {t("users.filter.clear")}
          </button>
        )}
      </div>

      {canWrite && count > 0 && !showUnreadable && (
        <div className="selection-bar" data-testid="users-selection" data-kind={selection.kind} data-count={count}>
          <span className="selection-count">
            {selection.kind === "matching"
              ? t("users.selected.matching", { count: f.number(count) })
              : t("users.selected", { count: f.number(count) })}
          </span>
          {selection.kind === "ids" && total !== null && total > count && (
            <button type="button" className="link" onClick={() => setSelection(selectMatching(key, total))} data-testid="users-select-matching">
              {t("users.select_matching", { total: f.number(total) })}
            </button>
          )}
          <button type="button" className="link" onClick={() => setSelection(NO_SELECTION)} data-testid="users-select-clear">
            {t("users.select_clear")}
          </button>
          <span className="spacer" />
          {props.onBulk &&
            (["deactivate", "change_role", "revoke_sessions"] as const).map((a) => (
              <button
                key={a}
                type="button"
                className={a === "deactivate" ? "btn btn-small btn-danger-ghost" : "btn btn-small"}
                onClick={() => (a === "change_role" && props.admin ? setBulkRole(target()) : props.onBulk?.(a, target()))}
                data-testid={`users-bulk-${a}`}
              >
                {t(`users.bulk.${a}` as MessageKey)}
              </button>
            ))}
        </div>
      )}

      <div className={open ? "users-body users-body-open" : "users-body"}>
        {showUnreadable ? (
          <VirtualTable<UnreadableUser>
            label={t("users.unreadable.table")}
            columns={unreadableColumns}
            fetchRange={fetchUnreadable}
            queryKey="unreadable"
            rowId={(u) => u.key}
            testid="users-unreadable-table"
            empty={<EmptyState title={t("users.unreadable.none")} />}
            renderError={(e, retry) => <TableError error={e} retry={retry} />}
          />
        ) : (
          <VirtualTable<UserRow>
            label={t("nav.users")}
            columns={columns}
            fetchRange={fetchUsers}
            queryKey={key}
            revision={revision}
            rowId={(u) => u.id}
            sort={query.sort}
            onSortChange={onSort}
            selection={canWrite ? selection : undefined}
            onSelectionChange={canWrite ? setSelection : undefined}
            onRowActivate={(u) => setOpen(u)}
            activeId={open?.id ?? null}
            testid="users-table"
            empty={
              <EmptyState title={t("users.empty.title")}>
                {query.search ? t("users.empty.search", { search: query.search }) : t("users.empty.body")}
              </EmptyState>
            }
            renderError={(e, retry) => <TableError error={e} retry={retry} />}
          />
        )}
        {open && !showUnreadable && (
          <UserDetailPanel
            api={props.api}
            user={open}
            canWrite={canWrite}
            onAction={props.onAction}
            onClose={() => setOpen(null)}
            admin={props.admin}
            mfa={props.mfa}
            onChanged={() => setRevision((r) => r + 1)}
            copy={props.copy}
            print={props.print}
          />
        )}
      </div>
      {props.admin && (
        <CreateUserDialog open={creating} api={props.admin} onClose={() => setCreating(false)} onCreated={() => setRevision((r) => r + 1)} />
      )}
      {props.admin && bulkRole && (
        <RoleChangeDialog
          open
          target={{ kind: "many", count: bulkRole.kind === "ids" ? bulkRole.ids.length : bulkRole.total - bulkRole.except.length }}
          api={props.admin}
          onClose={() => setBulkRole(null)}
          onPlan={(role, reason) => {
            props.onBulk?.("change_role", bulkRole, { role, reason });
            setBulkRole(null);
          }}
        />
      )}
    </div>
  );
}

function FilterSelect(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: [string, string][];
  disabled?: boolean;
  testid: string;
}) {
  return (
    <label className="filter">
      <span className="filter-label">{props.label}</span>
      <select
        className="input filter-select"
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testid}
      >
        {props.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function RoleBadge({ role }: { role: string }) {
  const tone = role === "admin" ? "warn" : role === "premium_user" ? "info" : "neutral";
  return (
    <Badge tone={tone} value={role}>
      {role}
    </Badge>
  );
}

function TableError(props: { error: unknown; retry: () => void }) {
  const t = useT();
  return (
    <ErrorBanner error={toIpcError(props.error)} title={t("users.failed")}>
      <div>
        <button type="button" className="btn btn-small" onClick={props.retry} data-testid="table-retry">
          {t("action.retry")}
        </button>
      </div>
    </ErrorBanner>
  );
}
