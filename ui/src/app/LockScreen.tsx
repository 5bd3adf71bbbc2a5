import type { SessionView } from "../platform";
import { useT } from "../i18n";
import { SignInForm } from "../features/signin/SignInForm";
import { Brand } from "./Brand";

/** Shown when the Rust side locked the console after inactivity. Nothing of the previous page
 *  stays mounted behind it. */
export function LockScreen(props: {
  session: SessionView | null;
  lockMinutes: number;
  onSignedIn: (session: SessionView) => void;
  onSignOut: () => void;
}) {
  const t = useT();
  const minutes = props.session?.lock_after_minutes ?? props.lockMinutes;
  return (
    <div className="gate">
      <div className="gate-center">
        <section className="panel lock-panel" data-testid="lock-screen">
          <Brand />
          <h1 className="signin-title">{t("lock.title")}</h1>
          <p className="muted" data-testid="lock-reason">
            {t("lock.body", { minutes })}
          </p>
          <SignInForm initialEmail={props.session?.email} submitLabel={t("lock.unlock")} onSignedIn={props.onSignedIn} />
          <button type="button" className="btn btn-ghost btn-block" onClick={props.onSignOut} data-testid="lock-signout">
            {t("lock.other")}
          </button>
        </section>
      </div>
    </div>
  );
}
