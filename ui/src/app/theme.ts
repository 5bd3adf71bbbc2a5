import type { Theme } from "../platform";

/** Puts the resolved theme on <html data-theme>; `system` follows the OS and keeps following
 *  it. Returns the listener's cleanup. */
export function applyTheme(theme: Theme): () => void {
  const query = window.matchMedia("(prefers-color-scheme: light)");
  const set = () => {
    document.documentElement.dataset.theme = theme === "system" ? (query.matches ? "light" : "dark") : theme;
  };
  set();
  if (theme !== "system") return () => {};
  query.addEventListener("change", set);
  return () => query.removeEventListener("change", set);
}
