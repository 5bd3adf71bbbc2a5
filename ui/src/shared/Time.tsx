import { useFormat } from "./format";

/** An instant in the operator's zone, with the zone named; the UTC instant is in the title. */
/** `dateOnly` shows the local date alone (narrow columns); the full local time is then in the
 *  title with the UTC instant. */
export function Time(props: { iso: string; testid?: string; withOffset?: boolean; dateOnly?: boolean }) {
  const f = useFormat();
  const zoned = f.time(props.iso);
  if (!zoned) {
    return (
      <span className="mono" data-testid={props.testid} data-value={props.iso}>
        {props.iso}
      </span>
    );
  }
  if (props.dateOnly) {
    return (
      <time
        className="time num"
        dateTime={zoned.utc}
        title={`${zoned.local} ${zoned.abbreviation} · ${zoned.utc}`}
        data-testid={props.testid}
        data-value={props.iso}
      >
        {zoned.local.slice(0, 10)}
      </time>
    );
  }
  const showOffset = props.withOffset && zoned.abbreviation !== zoned.offset;
  return (
    <time
      className="time num"
      dateTime={zoned.utc}
      title={`${f.timeZone} (${zoned.offset}) · ${zoned.utc}`}
      data-testid={props.testid}
      data-value={props.iso}
    >
      {zoned.local} <span className="time-zone">{zoned.abbreviation}</span>
      {showOffset && <span className="time-zone"> ({zoned.offset})</span>}
    </time>
  );
}
