import { useFormat } from "./format";

/** An instant in the operator's zone, with the zone named; the UTC instant is in the title. */
export function Time(props: { iso: string; testid?: string; withOffset?: boolean }) {
  const f = useFormat();
  const zoned = f.time(props.iso);
  if (!zoned) {
    return (
      <span className="mono" data-testid={props.testid} data-value={props.iso}>
        {props.iso}
      </span>
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
