// Reading a QR code off the screen, as a phone's authenticator app would: a WebDriver screenshot
// of the window (PNG, what WebKit painted), cropped to the element's box, decoded with jsQR.
// Nothing is read from the DOM but where the element is.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { ARTIFACTS } from "./env.mjs";
import { el } from "./app.mjs";

/** Decode the QR code in an RGBA image; its text, or null when none is found. */
export function decodeQr(img) {
  const rgba = new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length);
  return jsQR(rgba, img.width, img.height, { inversionAttempts: "dontInvert" })?.data ?? null;
}

/** Resolves after the webview has painted twice more (a WebDriver screenshot copies the last
 *  painted frame, which may lag the DOM by a frame or two). */
export async function nextPaint(b) {
  await b.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
}

/** `rect` (CSS px in the viewport) of `png`, scaled by the device pixel ratio, clamped. */
function crop(png, rect, ratio) {
  const x0 = Math.max(0, Math.floor(rect.x * ratio));
  const y0 = Math.max(0, Math.floor(rect.y * ratio));
  const x1 = Math.min(png.width, Math.ceil((rect.x + rect.width) * ratio));
  const y1 = Math.min(png.height, Math.ceil((rect.y + rect.height) * ratio));
  const out = new PNG({ width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) });
  PNG.bitblt(png, out, x0, y0, out.width, out.height, 0, 0);
  return out;
}

/**
 * Find the element `testid` on screen and decode the QR code there, as a camera would: frame
 * after frame until one reads, for up to `timeout` ms (a canvas just drawn may not be on the
 * painted frame yet). The crop is kept as `${name}.png` in the artifacts.
 *
 * Why not WebDriver's element screenshot: WebKitWebDriver crops it from the document at the
 * element's document position, which is off by the scroll offset for an element in a modal
 * <dialog> (the top layer) over a scrolled page — it returned a band of black above half a code.
 *
 * Returns { text, file, width, height, tries }.
 */
export async function readQrFromScreen(b, testid, name, { timeout = 15_000 } = {}) {
  await el(b, testid);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  const deadline = Date.now() + timeout;
  for (let tries = 1; ; tries++) {
    await nextPaint(b);
    const { rect, ratio } = await b.execute((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return { rect: { x: r.x, y: r.y, width: r.width, height: r.height }, ratio: window.devicePixelRatio };
    }, `[data-testid="${testid}"]`);
    const screen = PNG.sync.read(Buffer.from(await b.takeScreenshot(), "base64"));
    const img = crop(screen, rect, ratio);
    const text = decodeQr(img);
    if (text !== null || Date.now() > deadline) {
      writeFileSync(file, PNG.sync.write(img));
      return { text, file, width: img.width, height: img.height, tries };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
