import { createRoot } from "react-dom/client";
import "./app/app.css";
import { App } from "./app/App";

// No <StrictMode>: its doubled effects would send the boot commands (connect, ui_ready) twice
// in development, and the mock tests count IPC calls.
const root = document.getElementById("root");
if (root) createRoot(root).render(<App />);
