import { useEffect, useRef, type ReactNode } from "react";

/** A modal built on <dialog>: focus is trapped and Escape closes it, natively. */
export function Dialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  actions: ReactNode;
  testid?: string;
  /** forms with more to read (a policy checklist, a permission list) */
  wide?: boolean;
  /** an extra class for a dialog with its own layout (the MFA enrolment) */
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className={["dialog", props.wide ? "dialog-wide" : "", props.className ?? ""].join(" ").trim()}
      data-testid={props.testid}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <>
          <h2 className="dialog-title">{props.title}</h2>
          <div className="dialog-body">{props.children}</div>
          <div className="dialog-actions">{props.actions}</div>
        </>
      )}
    </dialog>
  );
}
