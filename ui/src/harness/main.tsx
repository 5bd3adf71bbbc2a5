// The UI-kit harness: one component or page per `?view=`, with fake in-page APIs (fakes.ts), in
// the theme and language of `?theme=` and `?lang=`. Used by tests/ui-mock/uikit*.test.mjs.
import { createRoot } from "react-dom/client";
import { useMemo, useState } from "react";
import "../app/app.css";
import { LocaleProvider } from "../i18n";
import type { Language } from "../platform";
import { BatchPreview, type BatchItem, type BatchPhase, type ItemOutcome } from "../shared/BatchPreview";
import { ConfirmDialog } from "../shared/ConfirmDialog";
import { OneTimeSecret } from "../shared/OneTimeSecret";
import type { QrMatrix } from "../shared/QrCode";
import { ReasonDialog } from "../shared/ReasonDialog";
import { NO_SELECTION, selectedCount, type Selection } from "../shared/selection";
import { VirtualTable, type SortState, type VColumn } from "../shared/VirtualTable";
import { LocksPage } from "../features/access/LocksPage";
import { MfaEnrollPanel } from "../features/users/MfaEnrollPanel";
import { UsersPage } from "../features/users/UsersPage";
import { ApprovalsPage } from "../features/approvals/ApprovalsPage";
import { MfaPage } from "../features/mfa/MfaPage";
import { CreateUserDialog } from "../features/users/CreateUserDialog";
import { DormantPanel } from "../features/users/DormantPanel";
import { RoleChangeDialog } from "../features/users/RoleChangeDialog";
import { delayed, fakeAccessApi, fakeUser, fakeUsersApi, harnessLog } from "./fakes";
import { fakeApprovals, fakeBulk, fakeDormant, fakeIdentity, fakeMfa, OPERATOR } from "./identityFakes";
import "./harness.css";

const params = new URLSearchParams(location.search);
const view = params.get("view") ?? "table";
const language: Language = params.get("lang") === "ko" ? "ko" : "en";
const num = (k: string, d: number) => (params.has(k) ? Number(params.get(k)) : d);
document.documentElement.dataset.theme = params.get("theme") === "light" ? "light" : "dark";
document.documentElement.lang = language;

interface Item {
  i: number;
  name: string;
}

function TableView() {
  const n = num("n", 1_000_000);
  const delay = num("delay", 40);
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<SortState>({ key: "i", dir: "asc" });
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const key = `${filter}|${sort.key}|${sort.dir}`;
  const fetchRange = useMemo(
    () => (offset: number, limit: number, signal: AbortSignal) =>
      delayed("table", key, offset, limit, delay, signal, () => {
        const total = filter ? Math.floor(n / 2) : n;
        const rows: Item[] = [];
        for (let k = offset; k < Math.min(total, offset + limit); k++) {
          const pos = sort.dir === "asc" ? k : total - 1 - k;
          const i = filter ? pos * 2 : pos;
          rows.push({ i, name: filter ? `Row ${i} ~${filter}` : `Row ${i}` });
        }
        return { total, rows };
      }),
    [key, filter, n, delay, sort.dir],
  );
  const columns: VColumn<Item>[] = [
    { key: "i", header: "#", width: 110, align: "end", sortable: true, cell: (r) => <span data-testid="cell-i">{r.i}</span> },
    { key: "name", header: "Name", width: 240, grow: 1, cell: (r) => r.name },
  ];
  return (
    <div className="harness-fill">
      <div className="row">
        <input className="input filter-search" placeholder="filter" value={filter} onChange={(e) => { setFilter(e.target.value); setSelection(NO_SELECTION); }} data-testid="table-filter" />
        <span data-testid="table-selected" data-kind={selection.kind} data-count={selectedCount(selection)}>
          {selection.kind === "matching" ? "all matching" : [...selection.ids].sort().join(",")}
        </span>
      </div>
      <VirtualTable<Item>
        label="Harness rows"
        columns={columns}
        fetchRange={fetchRange}
        queryKey={key}
        rowId={(r) => `row-${r.i}`}
        sort={sort}
        onSortChange={(k) => { setSort((s) => ({ key: k, dir: s.key === k && s.dir === "asc" ? "desc" : "asc" })); setSelection(NO_SELECTION); }}
        selection={selection}
        onSelectionChange={setSelection}
        testid="vt"
        spacerCap={params.has("cap") ? num("cap", 8_000_000) : undefined}
        empty={<div className="empty">nothing</div>}
      />
    </div>
  );
}

function BatchView() {
  const failAt = num("fail", 7);
  const interruptAt = num("interrupt", 20);
  const items = useMemo<BatchItem[]>(
    () =>
      Array.from({ length: 40 }, (_, i) => ({
        id: `u${i}`,
        label: `dormant.${String(i).padStart(3, "0")}@example.test`,
        before: i % 9 === 4 ? null : "active",
        after: i % 9 === 4 ? null : "inactive",
        skip: i % 9 === 4 ? (language === "ko" ? "이미 비활성" : "already inactive") : null,
      })),
    [],
  );
  const [phase, setPhase] = useState<BatchPhase>("preview");
  const [results, setResults] = useState<ReadonlyMap<string, ItemOutcome>>(new Map());
  const [runs, setRuns] = useState(0);
  const run = (stopAfter: number | null) => {
    setPhase("running");
    setRuns((r) => r + 1);
    const todo = items.filter((it) => !it.skip);
    let done = 0;
    const step = (map: Map<string, ItemOutcome>) => {
      const next = todo.find((it) => !map.has(it.id));
      if (!next) {
        setPhase("done");
        return;
      }
      if (stopAfter !== null && done >= stopAfter) {
        setPhase("interrupted");
        return;
      }
      const m = new Map(map);
      const idx = items.indexOf(next);
      m.set(next.id, idx === failAt ? { status: "failed", message: "WATCH conflict: the user changed during the batch" } : { status: "ok" });
      done++;
      setResults(m);
      setTimeout(() => step(m), 15);
    };
    setResults((cur) => {
      setTimeout(() => step(new Map(cur)), 15);
      return cur;
    });
  };
  return (
    <div className="harness-pad">
      <BatchPreview
        batchId="b1"
        items={items}
        results={results}
        phase={phase}
        executeLabel="Deactivate users"
        destructive
        onExecute={() => run(interruptAt)}
        onCancel={() => setPhase("interrupted")}
        onResume={() => run(null)}
        onClose={() => undefined}
        testid="batch"
      />
      <span hidden data-testid="batch-runs" data-value={runs} />
    </div>
  );
}

function SecretView() {
  const [open, setOpen] = useState(true);
  const [closed, setClosed] = useState(0);
  const codes = ["7KQ2-9XMD", "P4WZ-LC8R", "H3NV-6TBE", "Y9JF-2QSA", "M5RU-8DKW", "B2XG-7PHN", "T6CE-4VLZ", "Q8AM-3YJF", "W7DS-5NRK", "F4LH-9GUB"];
  return (
    <div className="harness-pad">
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="ots-open">
        open
      </button>
      <span data-testid="ots-closed" data-value={closed} />
      <OneTimeSecret
        open={open}
        title={language === "ko" ? "백업 코드 — minjun.0000042@example.test" : "Backup codes — minjun.0000042@example.test"}
        items={codes}
        onClose={() => {
          setOpen(false);
          setClosed((c) => c + 1);
        }}
        copy={async () => undefined}
        print={() => undefined}
        testid="ots"
      />
    </div>
  );
}

/** ?qr=<width>.<modules> as the test computed it from the otpauth URI */
function qrParam(): QrMatrix {
  const [w, modules] = (params.get("qr") ?? "").split(".");
  return w && modules ? { width: Number(w), modules } : { width: 21, modules: "0".repeat(441) };
}

function QrView() {
  const qr = qrParam();
  const secret = params.get("secret") ?? "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  return (
    <div className="harness-pad">
      <MfaEnrollPanel
        email="minjun.0000042@example.test"
        enrollment={{ secret, issuer: "StockAnalysis", account: "minjun.0000042@example.test", qr }}
        onConfirm={() => undefined}
        copy={async () => undefined}
      />
    </div>
  );
}

function DialogsView() {
  const [which, setWhich] = useState<"reason" | "confirm" | null>(params.get("open") === "confirm" ? "confirm" : params.get("open") === "reason" ? "reason" : null);
  const [log, setLog] = useState<string[]>([]);
  return (
    <div className="harness-pad">
      <button type="button" className="btn" onClick={() => setWhich("reason")} data-testid="open-reason">reason</button>
      <button type="button" className="btn" onClick={() => setWhich("confirm")} data-testid="open-confirm">confirm</button>
      <pre data-testid="dialog-log">{log.join("\n")}</pre>
      <ReasonDialog
        open={which === "reason"}
        title={language === "ko" ? "사용자 비활성화" : "Deactivate user"}
        change={language === "ko" ? "alice@example.test 계정은 더 이상 로그인할 수 없습니다." : "alice@example.test will no longer be able to sign in."}
        confirmLabel={language === "ko" ? "비활성화" : "Deactivate"}
        destructive
        onCancel={() => setWhich(null)}
        onConfirm={(r) => {
          setLog((l) => [...l, `reason:${r}`]);
          setWhich(null);
        }}
        testid="reason-dialog"
      />
      <ConfirmDialog
        open={which === "confirm"}
        title={language === "ko" ? "API 키 폐기" : "Revoke API key"}
        confirmLabel={language === "ko" ? "폐기" : "Revoke"}
        typeToConfirm="ak_Zx81nq0PqR4sT2vW"
        destructive
        onCancel={() => setWhich(null)}
        onConfirm={() => {
          setLog((l) => [...l, "confirmed"]);
          setWhich(null);
        }}
        testid="confirm-dialog"
      >
        {language === "ko" ? "이 키로 들어오는 요청은 즉시 거부되며 되돌릴 수 없습니다." : "Requests with this key are refused at once. This cannot be undone."}
      </ConfirmDialog>
    </div>
  );
}

function CreateView() {
  const api = useMemo(() => fakeIdentity(fakeUsersApi({ total: 100, delay: 20 })).admin, []);
  const [open, setOpen] = useState(true);
  return (
    <div className="harness-pad">
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="open-create">
        open
      </button>
      <CreateUserDialog open={open} api={api} onClose={() => setOpen(false)} />
    </div>
  );
}

function RoleView() {
  const api = useMemo(() => fakeIdentity(fakeUsersApi({ total: 100, delay: 20 })).admin, []);
  const [open, setOpen] = useState(true);
  const [plan, setPlan] = useState("");
  return (
    <div className="harness-pad">
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="open-role">
        open
      </button>
      <span data-testid="role-plan">{plan}</span>
      <RoleChangeDialog
        open={open}
        target={params.get("bulk") === "1" ? { kind: "many", count: 1204 } : { kind: "one", user: fakeUser(1) }}
        api={api}
        onClose={() => setOpen(false)}
        onPlan={(role, reason) => {
          setPlan(`${role}|${reason}`);
          setOpen(false);
        }}
      />
    </div>
  );
}

const SECRET = params.get("secret") ?? "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const noCopy = async () => undefined;
const noPrint = () => undefined;

function View() {
  switch (view) {
    case "create":
      return <CreateView />;
    case "role":
      return <RoleView />;
    case "approvals": {
      const api = useMemo(() => fakeApprovals(), []);
      return (
        <div className="harness-shell">
          <ApprovalsPage api={api} operator={OPERATOR} canDecide={params.get("decide") !== "0"} />
        </div>
      );
    }
    case "dormant": {
      const apis = useMemo(() => {
        const users = fakeUsersApi({ total: num("n", 60), delay: 20 });
        const brk = params.get("break");
        return { users, dormant: fakeDormant(users, { failAt: num("fail", 2), breakAt: brk === null ? null : Number(brk), unfinished: params.get("unfinished") === "1" }) };
      }, []);
      return (
        <div className="harness-shell">
          <DormantPanel users={apis.users} api={apis.dormant} canWrite={params.get("write") !== "0"} />
        </div>
      );
    }
    case "mfa": {
      const api = useMemo(() => fakeMfa(qrParam(), SECRET), []);
      return (
        <div className="harness-shell">
          <MfaPage api={api} canWrite={params.get("write") !== "0"} copy={noCopy} print={noPrint} />
        </div>
      );
    }
    case "identity": {
      const apis = useMemo(() => {
        const id = fakeIdentity(fakeUsersApi({ total: num("n", 200), delay: 20 }));
        return { ...id, mfa: fakeMfa(qrParam(), SECRET), bulk: fakeBulk(id.users, { failAt: num("fail", 2) }) };
      }, []);
      return (
        <div className="harness-shell">
          <UsersPage
            api={apis.users}
            admin={apis.admin}
            mfa={apis.mfa}
            canWrite={params.get("write") !== "0"}
            bulk={apis.bulk}
            onAction={(a) => ((window.__harness as Record<string, unknown>).action = a)}
            copy={noCopy}
            print={noPrint}
          />
        </div>
      );
    }
    case "users": {
      const api = useMemo(() => fakeUsersApi({ total: num("n", 1_000_000), delay: num("delay", 30), indexing: params.get("indexing") === "1" }), []);
      return (
        <div className="harness-shell">
          <UsersPage api={api} canWrite={params.get("write") !== "0"} onAction={() => undefined} />
        </div>
      );
    }
    case "locks": {
      const api = useMemo(() => fakeAccessApi(), []);
      (window.__harness as Record<string, unknown>).access = api.calls;
      return (
        <div className="harness-shell">
          <LocksPage api={api} canWrite={params.get("write") !== "0"} />
        </div>
      );
    }
    case "batch":
      return <BatchView />;
    case "secret":
      return <SecretView />;
    case "qr":
      return <QrView />;
    case "dialogs":
      return <DialogsView />;
    default:
      return <TableView />;
  }
}

void harnessLog;
const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <LocaleProvider language={language} timeZone="Asia/Seoul">
      <View />
    </LocaleProvider>,
  );
