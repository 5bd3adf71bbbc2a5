#!/usr/bin/env node
// tauri-driver: CrabNebula's prebuilt build of Tauri's WebDriver proxy (a Node addon, so no
// `cargo install`). It starts WebKitWebDriver and, per WebDriver session, the app.
//
// Why the platform package and not the @crabnebula/tauri-driver wrapper: the wrapper lists one
// optional package per platform, and the registry this project installs from serves only the
// Linux x64 one, so a lockfile made here misses the others and `npm ci` refuses it. The
// wrapper's own cli.js does exactly this call.
const { run } = require("@crabnebula/tauri-driver-linux-x64-gnu");

run(process.argv.slice(2), "tauri-driver").catch((err) => {
  console.error(err.message);
  process.exit(1);
});
