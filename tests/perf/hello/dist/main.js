// The finish line, as in Rampart: two animation frames after the first screen is in the DOM
// (the first frame is then on glass), tell the Rust side. An external module because the CSP
// (the same as Rampart's) allows no inline script.
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    window.__TAURI_INTERNALS__.invoke("ready").catch(() => undefined);
  }),
);
