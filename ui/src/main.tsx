import { createRoot } from "react-dom/client";
import "./app/app.css";
import { App } from "./app/App";
import { askBoot } from "./app/boot";
import { ipcAvailable } from "./platform";

// First: the start-up commands, so the Rust side works while React renders (app/boot.ts).
const boot = ipcAvailable() ? askBoot() : undefined;

// Before the first render: app.css picks a font list per platform (see its note on Linux), and
// the first layout must already use it.
if (/\b(Linux|X11|FreeBSD|OpenBSD|NetBSD)\b/.test(navigator.userAgent)) {
  document.documentElement.dataset.platform = "linux";
}

// No <StrictMode>: its doubled effects would send the boot commands (connect, ui_ready) twice
// in development, and the mock tests count IPC calls.
const root = document.getElementById("root");
if (root) createRoot(root).render(<App boot={boot} />);
