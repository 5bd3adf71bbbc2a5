import type { ReactNode } from "react";

export type Tone = "neutral" | "info" | "ok" | "warn" | "danger";

export function Badge(props: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
  testid?: string;
  value?: string;
}) {
  return (
    <span
      className={`badge badge-${props.tone ?? "neutral"}`}
      title={props.title}
      data-testid={props.testid}
      data-value={props.value}
    >
      {props.children}
    </span>
  );
}
