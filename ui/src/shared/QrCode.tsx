// Draws a QR module matrix computed by the Rust side (the otpauth URI never needs a JS encoder).
// Black on white with the 4-module quiet zone the QR spec (ISO/IEC 18004 §6.3.8) requires, at an
// integer scale so every module is a crisp square a camera reads. Drawn with fillRect on a
// canvas: no innerHTML, no data: URL (the CSP allows neither).
import { useEffect, useRef } from "react";
import "./uikit.css";

export interface QrMatrix {
  /** modules per side */
  width: number;
  /** width × width characters, row-major, '1' = dark */
  modules: string;
}

export const QUIET_ZONE = 4;

export function QrCode(props: { matrix: QrMatrix; label: string; scale?: number; testid?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  // Scanners in webcams and phones struggle below ~6 px per module at arm's length.
  const scale = Math.max(6, Math.floor(props.scale ?? 6));
  const { width, modules } = props.matrix;
  const valid = width > 0 && modules.length === width * width && /^[01]*$/.test(modules);
  const side = (width + 2 * QUIET_ZONE) * scale;

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx || !valid) return;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, side, side);
    ctx.fillStyle = "#000000";
    for (let y = 0; y < width; y++) {
      for (let x = 0; x < width; x++) {
        if (modules.charCodeAt(y * width + x) === 49) {
          ctx.fillRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale);
        }
      }
    }
  }, [modules, width, scale, side, valid]);

  if (!valid) {
    return (
      <div className="qr-invalid" role="img" aria-label={props.label} data-testid={props.testid}>
        ⚠
      </div>
    );
  }
  return (
    <div className="qr">
      <canvas ref={ref} width={side} height={side} role="img" aria-label={props.label} data-testid={props.testid} />
    </div>
  );
}
