import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Tauri window loads `dist/` through its own protocol under a strict CSP
// (tauri.conf.json): everything must be a same-origin file, nothing inline, nothing remote.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  // Tests run one dev server per test file; each gets its own pre-bundle cache so parallel
  // runs never write the same directory.
  cacheDir: process.env.RAMPART_VITE_CACHE_DIR ?? "node_modules/.vite",
  // Pre-bundle up front: a dependency discovered on first page load makes Vite reload the page.
  optimizeDeps: { include: ["react", "react/jsx-runtime", "react-dom/client", "@tauri-apps/api/core"] },
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.50 and current Chromium both run ES2022 natively.
    target: "es2022",
    sourcemap: false,
    // Keep every asset a file: a `data:` script or style would fall foul of the CSP.
    assetsInlineLimit: 0,
    // Both webviews support modulepreload; the polyfill would only add bytes to the start-up.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
