// Rows of a large remote result, fetched page by page as the view needs them. Pages are cached
// (least recently used dropped first), a fetch whose page left the view before it answered is
// aborted, and a new query key (filter, sort, search) drops everything and starts from page 0.
// `revision` refetches what is shown without clearing it (an index still growing, a refresh).
import { useEffect, useReducer, useRef } from "react";

export interface RangePage<Row> {
  /** rows matching the query, as known when this page was cut */
  total: number;
  rows: readonly Row[];
}

export type FetchRange<Row> = (offset: number, limit: number, signal: AbortSignal) => Promise<RangePage<Row>>;

export interface PagedRows<Row> {
  /** null until the first page of this query answered */
  total: number | null;
  rowAt: (index: number) => Row | undefined;
  error: unknown;
  /** some page in view is being fetched */
  loading: boolean;
  retry: () => void;
}

interface CachedPage<Row> {
  rows: readonly Row[];
  revision: number;
}

interface Store<Row> {
  queryKey: string;
  pages: Map<number, CachedPage<Row>>;
  inflight: Map<number, { controller: AbortController; revision: number }>;
  total: number | null;
  error: unknown;
}

/** Fetches start this long after the view settles, so a fast drag over 10,000 pages sends a
 *  handful of requests rather than one per scroll event. */
const SETTLE_MS = 25;

export function usePagedRows<Row>(opts: {
  fetchRange: FetchRange<Row>;
  queryKey: string;
  revision?: number;
  /** first and one-past-last row index in view (overscan included) */
  start: number;
  end: number;
  pageSize?: number;
  maxPages?: number;
}): PagedRows<Row> {
  const pageSize = opts.pageSize ?? 100;
  const maxPages = opts.maxPages ?? 40;
  const revision = opts.revision ?? 0;
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const fetchRef = useRef(opts.fetchRange);
  fetchRef.current = opts.fetchRange;
  const store = useRef<Store<Row>>({
    queryKey: opts.queryKey,
    pages: new Map(),
    inflight: new Map(),
    total: null,
    error: null,
  });
  const [retryTick, retry] = useReducer((n: number) => n + 1, 0);

  // A new query: everything cached or on its way belongs to the old one.
  const s = store.current;
  if (s.queryKey !== opts.queryKey) {
    for (const f of s.inflight.values()) f.controller.abort();
    s.inflight.clear();
    s.pages.clear();
    s.total = null;
    s.error = null;
    s.queryKey = opts.queryKey;
  }

  const firstPage = Math.floor(opts.start / pageSize);
  const lastPage = s.total === null ? 0 : Math.max(firstPage, Math.floor(Math.max(0, opts.end - 1) / pageSize));

  useEffect(() => {
    const st = store.current;
    const wanted = new Set<number>();
    for (let p = firstPage; p <= lastPage; p++) wanted.add(p);
    if (st.total === null) wanted.add(0);
    // Stale: a page that scrolled out of view before its answer came.
    for (const [p, f] of st.inflight) {
      if (!wanted.has(p) || f.revision !== revision) {
        f.controller.abort();
        st.inflight.delete(p);
      }
    }
    const missing = [...wanted].filter((p) => {
      const cached = st.pages.get(p);
      return (!cached || cached.revision !== revision) && !st.inflight.has(p);
    });
    if (missing.length === 0) return;
    const key = st.queryKey;
    const start = () => {
      for (const p of missing) {
        const controller = new AbortController();
        st.inflight.set(p, { controller, revision });
        fetchRef
          .current(p * pageSize, pageSize, controller.signal)
          .then((page) => {
            if (controller.signal.aborted || st.queryKey !== key) return;
            st.inflight.delete(p);
            st.pages.delete(p); // re-insert: most recently used last
            st.pages.set(p, { rows: page.rows, revision });
            st.total = page.total;
            st.error = null;
            evict(st.pages, maxPages, wanted);
            bump();
          })
          .catch((e: unknown) => {
            if (controller.signal.aborted || st.queryKey !== key) return;
            st.inflight.delete(p);
            st.error = e;
            bump();
          });
      }
      bump();
    };
    // The first page of a query goes at once: it is what the operator waits for.
    if (st.total === null) {
      start();
      return;
    }
    const timer = setTimeout(start, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [firstPage, lastPage, opts.queryKey, revision, pageSize, maxPages, retryTick]);

  // Abort what is still on its way when the table goes away.
  useEffect(
    () => () => {
      for (const f of store.current.inflight.values()) f.controller.abort();
      store.current.inflight.clear();
    },
    [],
  );

  const rowAt = (index: number) => {
    const page = store.current.pages.get(Math.floor(index / pageSize));
    return page?.rows[index % pageSize];
  };

  let loading = false;
  for (let p = firstPage; p <= lastPage; p++) if (s.inflight.has(p)) loading = true;

  return {
    total: s.total,
    rowAt,
    error: s.error,
    loading: loading || (s.total === null && s.error === null),
    retry: () => {
      store.current.error = null;
      retry();
    },
  };
}

function evict<Row>(pages: Map<number, CachedPage<Row>>, maxPages: number, keep: ReadonlySet<number>) {
  for (const p of pages.keys()) {
    if (pages.size <= maxPages) break;
    if (!keep.has(p)) pages.delete(p);
  }
}
