// A table over a remote result of up to millions of rows. Only the rows in view (plus overscan)
// exist in the DOM; the scroll spacer is capped and scaled (virtualScroll.ts) because browsers
// clamp element heights near 33.5M px. Rows come page by page from `fetchRange`
// (usePagedRows.ts); rows not yet loaded show as skeletons.
//
// Accessibility: role=grid with aria-rowcount for the whole result and aria-rowindex on each
// rendered row, so assistive technology announces "row 999,999 of 1,000,000" although only ~40
// rows exist. Focus stays on the grid; the focused row is its aria-activedescendant.
import { useEffect, useId, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from "react";
import { useT } from "../i18n";
import { usePagedRows, type FetchRange } from "./usePagedRows";
import {
  headerState,
  isSelected,
  NO_SELECTION,
  selectedCount,
  selectMatching,
  setMany,
  toggle,
  type Selection,
} from "./selection";
import {
  offsetForScrollTop,
  offsetToReveal,
  pageRows,
  scrollTopForOffset,
  spacerHeight,
  visibleRange,
  type ScrollGeometry,
} from "./virtualScroll";
import "./uikit.css";

export type { FetchRange, RangePage } from "./usePagedRows";
export type { Selection } from "./selection";

export interface VColumn<Row> {
  key: string;
  header: ReactNode;
  /** minimum width in px */
  width: number;
  /** share of the spare width (CSS fr); fixed width when absent */
  grow?: number;
  cell: (row: Row, index: number) => ReactNode;
  sortable?: boolean;
  align?: "start" | "end";
  mono?: boolean;
}

export type SortDir = "asc" | "desc";
export interface SortState {
  key: string;
  dir: SortDir;
}

const HEADER_H = 32;
const CHECK_W = 36;
/** Range selection reads ids from loaded pages; past this the operator is pointed to
 *  "select all matching", which covers any number of rows without listing them. */
const MAX_RANGE = 5000;

export function VirtualTable<Row>(props: {
  label: string;
  columns: readonly VColumn<Row>[];
  fetchRange: FetchRange<Row>;
  /** a change (filter, sort, search) drops the cache, refetches and scrolls to the top */
  queryKey: string;
  /** a change refetches the rows in view and keeps the position */
  revision?: number;
  rowId: (row: Row) => string;
  rowHeight?: number;
  overscan?: number;
  pageSize?: number;
  maxCachedPages?: number;
  sort?: SortState | null;
  onSortChange?: (key: string) => void;
  /** with both, a checkbox column appears */
  selection?: Selection;
  onSelectionChange?: (next: Selection) => void;
  /** click or Enter on a row */
  onRowActivate?: (row: Row, index: number) => void;
  activeId?: string | null;
  onTotalChange?: (total: number | null) => void;
  /** shown instead of rows when the query matches nothing */
  empty?: ReactNode;
  renderError?: (error: unknown, retry: () => void) => ReactNode;
  testid?: string;
  /** tests only: a smaller spacer cap exercises the scaling without a million rows */
  spacerCap?: number;
}) {
  const t = useT();
  const baseId = useId();
  const rowHeight = props.rowHeight ?? 32;
  const overscan = props.overscan ?? 6;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState(400);
  const [offset, setOffset] = useState(0);
  const [focus, setFocus] = useState(0);
  const anchor = useRef<number | null>(null);
  /** the scrollTop we set ourselves: its scroll event must not round our exact offset away */
  const programmatic = useRef<number | null>(null);
  const [rangeNote, setRangeNote] = useState(false);
  const selectable = props.selection !== undefined && props.onSelectionChange !== undefined;
  const selection = props.selection ?? NO_SELECTION;

  // Total is unknown until the first page answers; lay out a screenful of skeletons meanwhile.
  const provisionalCount = Math.ceil(viewport / rowHeight);
  const [count, setCount] = useState<number | null>(null);
  const geom: ScrollGeometry = {
    count: count ?? provisionalCount,
    rowHeight,
    viewport,
    cap: props.spacerCap,
  };
  const range = visibleRange(geom, offset, overscan);
  const data = usePagedRows<Row>({
    fetchRange: props.fetchRange,
    queryKey: props.queryKey,
    revision: props.revision,
    start: range.start,
    end: range.end,
    pageSize: props.pageSize,
    maxPages: props.maxCachedPages,
  });

  useEffect(() => {
    setCount(data.total);
    props.onTotalChange?.(data.total);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- report changes of the total only
  }, [data.total]);

  // Keep the offset inside the content when the total shrinks (a refresh found fewer rows).
  useEffect(() => {
    const maxOff = Math.max(0, geom.count * rowHeight - viewport);
    if (offset > maxOff) goTo(maxOff);
    if (focus >= geom.count && geom.count > 0) setFocus(geom.count - 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [geom.count, viewport]);

  // A new query starts at the top.
  const lastKey = useRef(props.queryKey);
  useLayoutEffect(() => {
    if (lastKey.current === props.queryKey) return;
    lastKey.current = props.queryKey;
    setCount(null);
    setFocus(0);
    anchor.current = null;
    setRangeNote(false);
    setOffset(0);
    programmatic.current = 0;
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [props.queryKey]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport(Math.max(rowHeight, el.clientHeight - HEADER_H));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [rowHeight]);

  function goTo(nextOffset: number) {
    setOffset(nextOffset);
    const el = scrollRef.current;
    if (!el) return;
    const st = scrollTopForOffset(geom, nextOffset);
    programmatic.current = st;
    el.scrollTop = st;
  }

  function onScroll() {
    const el = scrollRef.current;
    if (!el) return;
    const st = el.scrollTop;
    if (programmatic.current !== null && Math.abs(st - programmatic.current) < 1.5) return;
    programmatic.current = null;
    setOffset(offsetForScrollTop(geom, st));
  }

  function moveFocus(index: number) {
    if (geom.count === 0) return;
    const i = Math.max(0, Math.min(geom.count - 1, index));
    setFocus(i);
    goTo(offsetToReveal(geom, offset, i));
  }

  function clickCheck(index: number, row: Row, shift: boolean) {
    if (!props.onSelectionChange) return;
    const id = props.rowId(row);
    const on = !isSelected(selection, id);
    if (shift && anchor.current !== null && anchor.current !== index) {
      const lo = Math.min(anchor.current, index);
      const hi = Math.max(anchor.current, index);
      if (hi - lo + 1 > MAX_RANGE) {
        setRangeNote(true);
        return;
      }
      const ids: string[] = [];
      for (let i = lo; i <= hi; i++) {
        const r = data.rowAt(i);
        if (r !== undefined) ids.push(props.rowId(r));
      }
      props.onSelectionChange(setMany(selection, ids, on));
    } else {
      props.onSelectionChange(toggle(selection, id));
    }
    setRangeNote(false);
    anchor.current = index;
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.target !== e.currentTarget) return; // keys typed in a cell's control stay there
    const page = pageRows(geom);
    switch (e.key) {
      case "ArrowDown":
        moveFocus(focus + 1);
        break;
      case "ArrowUp":
        moveFocus(focus - 1);
        break;
      case "PageDown":
        moveFocus(focus + page);
        break;
      case "PageUp":
        moveFocus(focus - page);
        break;
      case "Home":
        moveFocus(0);
        break;
      case "End":
        moveFocus(geom.count - 1);
        break;
      case " ": {
        const row = data.rowAt(focus);
        if (row !== undefined && selectable) clickCheck(focus, row, e.shiftKey);
        break;
      }
      case "Enter": {
        const row = data.rowAt(focus);
        if (row !== undefined) props.onRowActivate?.(row, focus);
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  }

  const template = [
    selectable ? `${CHECK_W}px` : null,
    ...props.columns.map((c) => (c.grow ? `minmax(${c.width}px, ${c.grow}fr)` : `${c.width}px`)),
  ]
    .filter(Boolean)
    .join(" ");
  const minWidth = (selectable ? CHECK_W : 0) + props.columns.reduce((n, c) => n + c.width, 0);
  const spacer = spacerHeight(geom);
  const layerHeight = Math.min(viewport, spacer);
  const total = count;
  const head = headerState(selection);
  const colCount = props.columns.length + (selectable ? 1 : 0);

  const rows: ReactNode[] = [];
  for (let i = range.start; i < range.end; i++) {
    const row = total === null ? undefined : data.rowAt(i);
    const y = i * rowHeight - offset;
    const id = row !== undefined ? props.rowId(row) : null;
    const selected = id !== null && selectable && isSelected(selection, id);
    const cls = ["vt-row"];
    if (i === focus) cls.push("vt-row-focus");
    if (selected) cls.push("vt-row-selected");
    if (id !== null && id === props.activeId) cls.push("vt-row-active");
    if (row === undefined) cls.push("vt-row-skeleton");
    rows.push(
      <div
        key={i}
        id={`${baseId}-r${i}`}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={selectable ? selected : undefined}
        aria-busy={row === undefined ? true : undefined}
        className={cls.join(" ")}
        data-index={i}
        data-id={id ?? undefined}
        style={{ transform: `translateY(${y}px)`, height: rowHeight }}
        onClick={(e) => {
          setFocus(i);
          if (row !== undefined && !(e.target as HTMLElement).closest(".vt-check")) props.onRowActivate?.(row, i);
        }}
      >
        {selectable && (
          <div role="gridcell" className="vt-cell vt-check">
            {row !== undefined && (
              <input
                type="checkbox"
                tabIndex={-1}
                checked={selected}
                aria-label={t("vt.select_row")}
                onChange={() => undefined}
                onClick={(e) => {
                  e.stopPropagation();
                  clickCheck(i, row, e.shiftKey);
                }}
              />
            )}
          </div>
        )}
        {props.columns.map((c) => (
          <div
            key={c.key}
            role="gridcell"
            className={`vt-cell${c.align === "end" ? " vt-end num" : ""}${c.mono ? " mono" : ""}`}
          >
            {row !== undefined ? c.cell(row, i) : <span className="vt-skel" aria-hidden="true" />}
          </div>
        ))}
      </div>,
    );
  }

  const showEmpty = total === 0 && !data.error;
  return (
    <div className="vt" data-testid={props.testid} style={{ "--vt-cols": template, "--vt-min-w": `${minWidth}px` } as CSSProperties}>
      <div
        ref={scrollRef}
        className="vt-scroll"
        role="grid"
        aria-label={props.label}
        aria-rowcount={total === null ? -1 : total + 1}
        aria-colcount={colCount}
        aria-multiselectable={selectable || undefined}
        aria-busy={data.loading}
        aria-activedescendant={geom.count > 0 && total !== null ? `${baseId}-r${focus}` : undefined}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-total={total ?? ""}
        data-offset={Math.round(offset)}
      >
        <div className="vt-head" role="rowgroup">
          <div className="vt-row vt-header" role="row" aria-rowindex={1}>
            {selectable && (
              <div role="columnheader" className="vt-cell vt-check">
                <input
                  type="checkbox"
                  data-testid={props.testid ? `${props.testid}-select-all` : undefined}
                  aria-label={t("vt.select_all_matching", { total: total ?? 0 })}
                  checked={head === "all"}
                  ref={(el) => {
                    if (el) el.indeterminate = head === "some";
                  }}
                  disabled={!total}
                  onChange={() =>
                    props.onSelectionChange?.(
                      head === "none" ? selectMatching(props.queryKey, total ?? 0) : NO_SELECTION,
                    )
                  }
                />
              </div>
            )}
            {props.columns.map((c) => {
              const dir = props.sort?.key === c.key ? props.sort.dir : null;
              return (
                <div
                  key={c.key}
                  role="columnheader"
                  className={`vt-cell${c.align === "end" ? " vt-end" : ""}`}
                  aria-sort={c.sortable ? (dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none") : undefined}
                >
                  {c.sortable && props.onSortChange ? (
                    <button
                      type="button"
                      className={dir ? "vt-sort vt-sorted" : "vt-sort"}
                      data-testid={props.testid ? `${props.testid}-sort-${c.key}` : undefined}
                      onClick={() => props.onSortChange?.(c.key)}
                    >
                      {c.header}
                      <span className="vt-sort-mark" aria-hidden="true">
                        {dir === "asc" ? "▲" : dir === "desc" ? "▼" : "↕"}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {!showEmpty && !data.error && (
          <div className="vt-spacer" role="presentation" style={{ height: spacer }}>
            <div className="vt-layer" role="rowgroup" style={{ height: layerHeight }}>
              {rows}
            </div>
          </div>
        )}
        {showEmpty && <div className="vt-slot">{props.empty}</div>}
        {data.error !== null && data.error !== undefined && (
          <div className="vt-slot" data-testid={props.testid ? `${props.testid}-error` : undefined}>
            {props.renderError?.(data.error, data.retry)}
          </div>
        )}
      </div>
      {rangeNote && (
        <div className="vt-note" role="status">
          {t("vt.range_too_long", { max: MAX_RANGE })}
        </div>
      )}
      <div className="sr-only" aria-live="polite">
        {selectable && selectedCount(selection) > 0 ? t("vt.selected", { count: selectedCount(selection) }) : ""}
      </div>
    </div>
  );
}
