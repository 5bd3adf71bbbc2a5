import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The UI-kit harness (harness.html + src/harness/): components and pages mounted with fake
// in-page APIs for tests/ui-mock. Separate from vite.config.ts so the app's build and start-up
// settings never carry test pages, and the harness never depends on them.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  cacheDir: process.env.RAMPART_VITE_CACHE_DIR ?? "node_modules/.vite-harness",
  optimizeDeps: {
    entries: ["harness.html"],
    include: ["react", "react/jsx-runtime", "react-dom/client", "@tauri-apps/api/core"],
  },
  server: { host: "127.0.0.1" },
});
