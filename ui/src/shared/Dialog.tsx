import { useEffect, useRef, type ReactNode } from "react";

/** A modal built on <dialog>: focus is trapped and Escape closes it, natively. */
export function Dialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  actions: ReactNode;
  testid?: string;
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
      className="dialog"
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
