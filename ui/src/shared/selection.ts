// Row selection for tables of up to millions of rows. Two distinct states: a set of ids the
// operator picked, or "everything that matches the current filter" (minus the ones unticked),
// which is sent to the backend as the filter itself, never as a list of a million ids.

export type Selection =
  | { kind: "ids"; ids: ReadonlySet<string> }
  | { kind: "matching"; queryKey: string; total: number; except: ReadonlySet<string> };

export const NO_SELECTION: Selection = { kind: "ids", ids: new Set() };

export function isSelected(sel: Selection, id: string): boolean {
  return sel.kind === "ids" ? sel.ids.has(id) : !sel.except.has(id);
}

/** How many rows the selection covers. */
export function selectedCount(sel: Selection): number {
  return sel.kind === "ids" ? sel.ids.size : Math.max(0, sel.total - sel.except.size);
}

export function toggle(sel: Selection, id: string): Selection {
  if (sel.kind === "ids") {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { kind: "ids", ids };
  }
  const except = new Set(sel.except);
  if (except.has(id)) except.delete(id);
  else except.add(id);
  return { ...sel, except };
}

/** Sets every id of a shift-click range to `on` (the state the clicked row takes). */
export function setMany(sel: Selection, ids: readonly string[], on: boolean): Selection {
  if (sel.kind === "ids") {
    const next = new Set(sel.ids);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    return { kind: "ids", ids: next };
  }
  const except = new Set(sel.except);
  for (const id of ids) {
    if (on) except.delete(id);
    else except.add(id);
  }
  return { ...sel, except };
}

export function selectMatching(queryKey: string, total: number): Selection {
  return { kind: "matching", queryKey, total, except: new Set() };
}

/** "all", "none" or "some": drives the header checkbox (checked / clear / indeterminate). */
export function headerState(sel: Selection): "all" | "none" | "some" {
  if (sel.kind === "matching") return sel.except.size === 0 ? "all" : "some";
  return sel.ids.size === 0 ? "none" : "some";
}
