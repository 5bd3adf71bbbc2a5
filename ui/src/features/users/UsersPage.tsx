// Every user of the store in one table that stays usable at a million rows: filters and search
// (as you type; a keystroke cancels the request of the one before), the index's progress while
// the first full scan runs, row selection for bulk actions (ids, or "everything matching" sent
// as the filter and resolved to ids by the Rust side at dry-run time), and the selected user's
// detail beside the table. A bulk action asks for its reason (and role), shows the Rust side's
// dry run, then runs with a result per item (BulkPanel); batches that stopped before their end
// are listed with a Resume button.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { useFormat } from "../../shared/format";
import { ProgressBar, Spinner } from "../../shared/Progress";
import { MAX_BATCH_ITEMS } from "../../platform/generated/wire";
import { ReasonDialog } from "../../shared/ReasonDialog";
import { NO_SELECTION, selectedCount, selectMatching, type Selection } from "../../shared/selection";
import { Time } from "../../shared/Time";
import { useMediaQuery } from "../../shared/useMediaQuery";
import { VirtualTable, type VColumn } from "../../shared/VirtualTable";
import {
  DEFAULT_QUERY,
  queryKey,
  SERVICE_ROLES,
  type BatchPlan,
  type BatchSummary,
  type BulkAction,
  type BulkActionInput,
  type BulkApi,
  type BulkTarget,
  type UnreadableUser,
  type UserPage,
  type UserQuery,
  type UserRow,
  type UserSortKey,
  type UserAdminApi,
  type UsersApi,
} from "./api";
import type { MfaApi } from "../mfa/api";
import type { CopyText } from "../../shared/SecretText";
import { ActionError } from "./actionError";
import { BulkPanel } from "./BulkPanel";
import { CreateUserDialog } from "./CreateUserDialog";
import { RoleChangeDialog } from "./RoleChangeDialog";
import { UserDetailPanel, type UserAction } from "./UserDetailPanel";
import "./users.css";

export type { UserAction } from "./UserDetailPanel";

export type { BulkAction, BulkTarget } from "./api";

const BULK_ACTIONS: readonly BulkAction[] = ["deactivate", "change_role", "revoke_sessions"];

const DORMANT_CHOICES = [30, 60, 90, 180, 365] as const;
/** While the index is still scanning, the table re-reads its rows this often. */
const INDEX_POLL_MS = 1000;

export function UsersPage(props: {
  api: UsersApi;
  /** false on a read-only profile or for an auditor: no selection, no actions */
  canWrite?: boolean;
  onAction?: (action: UserAction, user: UserRow) => void;
  /** bulk actions over the selection (dry run, run, resume); without it, no bulk buttons */
  bulk?: BulkApi;
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
  // Bulk: the dialog asking for the reason (and role), the dry run under way, the open batch.
  const [asking, setAsking] = useState<{ action: BulkAction; target: BulkTarget; count: number } | null>(null);
  const [planning, setPlanning] = useState(false);
  const [planError, setPlanError] = useState<IpcError | null>(null);
  const [batch, setBatch] = useState<{ plan: BatchPlan; autoRun: boolean } | null>(null);
  const [unfinished, setUnfinished] = useState<BatchSummary[]>([]);
  const [unfinishedRev, setUnfinishedRev] = useState(0);
  const key = queryKey(query);
  const canWrite = props.canWrite ?? false;
  const bulk = canWrite ? props.bulk : undefined;

  useEffect(() => {
    if (!bulk) return;
    const c = new AbortController();
    bulk.unfinished(c.signal).then(
      (list) => !c.signal.aborted && setUnfinished(list),
      () => undefined,
    );
    return () => c.abort();
  }, [bulk, unfinishedRev]);

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

  // Below 1200 px the columns are cut to fit a 1024 px window without sideways scrolling.
  const narrow = useMediaQuery("(max-width: 1199px)");
  const columns = useMemo<VColumn<UserRow>[]>(
    () => [
      {
        key: "email",
        header: t("users.col.email"),
        width: 200,
        grow: 3,
        sortable: true,
        cell: (u) => <span title={u.email}>{u.email}</span>,
      },
      { key: "username", header: t("users.col.username"), width: 110, grow: 2, sortable: true, cell: (u) => <span title={u.username}>{u.username}</span> },
      { key: "role", header: t("users.col.role"), width: 128, sortable: true, cell: (u) => <RoleBadge role={u.role} /> },
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
        width: 70,
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
        width: narrow ? 104 : 190,
        sortable: true,
        cell: (u) =>
          u.last_login ? <Time iso={u.last_login} dateOnly={narrow} /> : <span className="muted">{t("users.never")}</span>,
      },
      // The creation date, the least used column, goes first when the window is narrow.
      ...(narrow
        ? []
        : [{ key: "created_at", header: t("users.col.created"), width: 104, sortable: true, cell: (u: UserRow) => <Time iso={u.created_at} dateOnly /> }]),
    ],
    [t, narrow],
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
    selection.kind === "ids" ? { kind: "ids", ids: [...selection.ids] } : { kind: "filter", query, except: [...selection.except] };
  const tooMany = count > MAX_BATCH_ITEMS;

  const askBulk = (action: BulkAction) => {
    setPlanError(null);
    setAsking({ action, target: target(), count });
  };
  const planBulk = async (input: BulkActionInput, on: BulkTarget) => {
    if (!bulk) return;
    setPlanning(true);
    setPlanError(null);
    try {
      const plan = await bulk.plan(input, on, new AbortController().signal);
      setAsking(null);
      setBatch({ plan, autoRun: false });
    } catch (e) {
      setPlanError(toIpcError(e));
    } finally {
      setPlanning(false);
    }
  };
  const resume = async (id: string) => {
    if (!bulk) return;
    setPlanError(null);
    try {
      const plan = await bulk.show(id, new AbortController().signal);
      setBatch({ plan, autoRun: true });
    } catch (e) {
      setPlanError(toIpcError(e));
    }
  };
  const closeBatch = (ran: boolean) => {
    setBatch(null);
    if (ran) {
      // The batch changed users: the table re-reads them, and the selection has served.
      setSelection(NO_SELECTION);
      setRevision((r) => r + 1);
    }
    setUnfinishedRev((r) => r + 1);
  };

  return (
    <div className="page page-fill users-page" data-testid="users-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("nav.users")}</h1>
          <div className="page-subtitle" data-testid="users-total" data-value={total ?? ""}>
            {total === null
              ? t("users.subtitle")
              : t(meta?.complete ? "users.total" : "users.total_so_far", { total })}
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

      {bulk && !batch && unfinished.length > 0 && (
        <div className="banner banner-warn bulk-unfinished" role="status" data-testid="bulk-unfinished" data-count={unfinished.length}>
          <div className="banner-body">
            <div className="banner-title">{t("bulk.unfinished.title")}</div>
            <div className="banner-message">{t("bulk.unfinished.body")}</div>
            <ul className="bulk-unfinished-list">
              {unfinished.map((b) => (
                <li key={b.batch_id} data-testid={`bulk-unfinished-${b.batch_id}`}>
                  <span className="bulk-unfinished-what">{t(`bulk.title.${b.action}` as MessageKey, { role: b.to_role ?? "" })}</span>
                  <span className="num">{t("bulk.unfinished.progress", { done: f.number(b.done), total: f.number(b.total) })}</span>
                  {b.failed > 0 && <Badge tone="danger">{t("bulk.unfinished.failed", { count: f.number(b.failed) })}</Badge>}
                  <span className="muted bulk-unfinished-by">
                    {b.created_by} · <Time iso={b.created_at} />
                  </span>
                  <button type="button" className="btn btn-small btn-primary" onClick={() => void resume(b.batch_id)} data-testid="bulk-resume">
                    {t("bulk.resume")}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {!asking && planError && <ActionError error={planError} testid="bulk-plan-error" />}

      {batch && bulk ? (
        <BulkPanel key={batch.plan.batch_id} api={bulk} plan={batch.plan} autoRun={batch.autoRun} onClose={closeBatch} />
      ) : (
        <>
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
              ? selection.except.size > 0
                ? t("users.selected.matching_except", { count: f.number(count), total: selection.total })
                : t("users.selected.matching", { count })
              : t("users.selected", { count: f.number(count) })}
          </span>
          {selection.kind === "ids" && total !== null && total > count && (
            <button type="button" className="link" onClick={() => setSelection(selectMatching(key, total))} data-testid="users-select-matching">
              {t("users.select_matching", { total })}
            </button>
          )}
          <button type="button" className="link" onClick={() => setSelection(NO_SELECTION)} data-testid="users-select-clear">
            {t("users.select_clear")}
          </button>
          <span className="spacer" />
          {bulk && tooMany && (
            <span className="field-error" role="alert" data-testid="users-bulk-too-many">
              {t("users.bulk.too_many", { max: f.number(MAX_BATCH_ITEMS) })}
            </span>
          )}
          {bulk && planning && !asking && (
            <span className="muted" role="status">
              <Spinner /> {t("bulk.planning")}
            </span>
          )}
          {bulk &&
            BULK_ACTIONS.map((a) => (
              <button
                key={a}
                type="button"
                className={a === "change_role" ? "btn btn-small" : "btn btn-small btn-danger-ghost"}
                disabled={tooMany || planning}
                onClick={() => askBulk(a)}
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
        </>
      )}
      {props.admin && (
        <CreateUserDialog open={creating} api={props.admin} onClose={() => setCreating(false)} onCreated={() => setRevision((r) => r + 1)} />
      )}
      {bulk && props.admin && asking?.action === "change_role" && (
        <RoleChangeDialog
          open
          target={{ kind: "many", count: asking.count }}
          api={props.admin}
          onClose={() => setAsking(null)}
          onPlan={(role, reason) => {
            const on = asking.target;
            setAsking(null);
            void planBulk({ action: "change_role", role, reason }, on);
          }}
        />
      )}
      {bulk && asking && asking.action !== "change_role" && (
        <ReasonDialog
          open
          title={t(`bulk.${asking.action}.title` as MessageKey, { count: asking.count })}
          change={
            <>
              <div>{t(`bulk.${asking.action}.change` as MessageKey)}</div>
              {asking.target.kind === "filter" && <div className="muted">{t("users.bulk.filter_note")}</div>}
            </>
          }
          confirmLabel={t("bulk.show_dry_run")}
          destructive
          busy={planning}
          error={<ActionError error={planError} testid="bulk-plan-error" />}
          onCancel={() => {
            setAsking(null);
            setPlanError(null);
          }}
          onConfirm={(reason) => void planBulk({ action: asking.action as "deactivate" | "revoke_sessions", reason }, asking.target)}
          testid="bulk-reason"
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
