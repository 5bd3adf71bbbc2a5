import type { ReactNode } from "react";

/** Says what is missing and what to do about it. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode; testid?: string }) {
  return (
    <div className="empty" data-testid={props.testid}>
      <div className="empty-title">{props.title}</div>
      {props.children && <div className="empty-body">{props.children}</div>}
      {props.action && <div className="empty-action">{props.action}</div>}
    </div>
  );
}
