import { Fragment, type Key, type ReactNode } from "react";

export interface Column<Row> {
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** numbers: right-aligned, tabular figures */
  numeric?: boolean;
  /** ids and URLs: monospace */
  mono?: boolean;
}

/** A dense table. `empty` is shown instead of a header-only table. `expansion` may return a
 *  row's detail (shown across the full width under it) or null; the page decides when. */
export function Table<Row>(props: {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => Key;
  empty?: ReactNode;
  caption?: string;
  rowTestId?: (row: Row) => string;
  onRowClick?: (row: Row) => void;
  selected?: (row: Row) => boolean;
  expansion?: (row: Row) => ReactNode;
}) {
  if (props.rows.length === 0 && props.empty !== undefined) return <>{props.empty}</>;
  const cls = (c: Column<Row>) => [c.numeric ? "num" : "", c.mono ? "mono" : ""].join(" ").trim() || undefined;
  return (
    <div className="table-wrap">
      <table className={props.onRowClick ? "table table-clickable" : "table"}>
        {props.caption && <caption className="sr-only">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? "num" : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => {
            const more = props.expansion?.(row);
            const main = (
              <tr
                key={props.rowKey(row)}
                data-testid={props.rowTestId?.(row)}
                className={[props.selected?.(row) ? "selected" : "", more ? "has-expansion" : ""].join(" ").trim() || undefined}
                onClick={props.onRowClick ? () => props.onRowClick?.(row) : undefined}
              >
                {props.columns.map((c) => (
                  <td key={c.key} className={cls(c)}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            );
            if (!more) return main;
            return (
              <Fragment key={props.rowKey(row)}>
                {main}
                <tr className="table-expansion">
                  <td colSpan={props.columns.length}>{more}</td>
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
