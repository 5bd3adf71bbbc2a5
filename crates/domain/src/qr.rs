//! QR codes for MFA enrolment: the otpauth URI as a module matrix (the UI draws it on a canvas,
//! so no HTML or SVG built from data ever reaches the page) and as half-block text for terminals.
//!
//! The seed's `setup_mfa` returns the same URI as a base64 PNG; Rampart never stores the image
//! either. The matrix encodes the TOTP secret, so it is a secret too: `Debug` shows only its size.

use serde::Serialize;

use crate::error::FormatError;

/// Light modules around the code. The QR specification asks for 4; scanners often cope with
/// less, but a terminal's own padding is unknown, so the full zone is kept.
pub const QUIET_ZONE: usize = 4;

/// A QR code's modules, row-major, `'1'` dark and `'0'` light, `width × width` characters.
/// Without the quiet zone: whoever draws it adds the margin.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct QrMatrix {
    pub width: u32,
    pub modules: String,
}

impl std::fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrMatrix")
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}

impl QrMatrix {
    /// Whether the module at (`x`, `y`) is dark; outside the code (the quiet zone) is light.
    pub fn dark(&self, x: i64, y: i64) -> bool {
        let w = i64::from(self.width);
        if x < 0 || y < 0 || x >= w || y >= w {
            return false;
        }
        self.modules.as_bytes()[(y * w + x) as usize] == b'1'
    }
}

/// Encode `text` (byte mode, error correction M, the smallest version that fits).
pub fn encode(text: &str) -> Result<QrMatrix, FormatError> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| FormatError::Malformed(format!("cannot make a QR code: {e}")))?;
    let modules = code
        .to_colors()
        .into_iter()
        .map(|c| if c == qrcode::Color::Dark { '1' } else { '0' })
        .collect();
    Ok(QrMatrix {
        width: code.width() as u32,
        modules,
    })
}

/// The code as text for a terminal: one character per module column and two module rows per
/// line (`▀`, `▄`, `█`, space), with the quiet zone.
///
/// Terminals usually draw light glyphs on a dark background, so a *light* module is drawn as
/// ink (as `qrencode -t UTF8` does): on screen the code then has dark modules on a light field,
/// which is what scanners expect.
pub fn render_terminal(m: &QrMatrix) -> String {
    let q = QUIET_ZONE as i64;
    let w = i64::from(m.width);
    let mut out = String::new();
    let mut y = -q;
    while y < w + q {
        for x in -q..w + q {
            let top = !m.dark(x, y);
            let bottom = !m.dark(x, y + 1) && y + 1 < w + q;
            out.push(match (top, bottom) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
        y += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::totp::provisioning_uri;

    /// Rasterise with a quiet zone and decode with an independent decoder (rqrr).
    fn decode(is_dark: impl Fn(i64, i64) -> bool, modules: i64) -> String {
        const SCALE: i64 = 4;
        let side = ((modules + 2 * QUIET_ZONE as i64) * SCALE) as usize;
        let q = QUIET_ZONE as i64;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = (x as i64 / SCALE - q, y as i64 / SCALE - q);
            if is_dark(mx, my) {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "exactly one QR code is found");
        grids[0].decode().expect("the code decodes").1
    }

    #[test]
    fn the_matrix_decodes_to_the_exact_otpauth_uri() {
        for (user, secret) in [
            (
                "user_Vq8rx0rpoS5Lid-vLxRY2A",
                "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF",
            ),
            ("김민준", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        ] {
            let uri = provisioning_uri(user, secret);
            let m = encode(&uri).unwrap();
            assert_eq!(
                m.modules.len(),
                (m.width * m.width) as usize,
                "width × width modules"
            );
            assert!(m.modules.bytes().all(|b| b == b'0' || b == b'1'));
            assert_eq!(
                decode(|x, y| m.dark(x, y), i64::from(m.width)),
                uri,
                "a scanner reads back the URI the service would produce"
            );
        }
    }

    #[test]
    fn the_terminal_rendering_decodes_too() {
        let uri = provisioning_uri(
            "user_Vq8rx0rpoS5Lid-vLxRY2A",
            "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF",
        );
        let m = encode(&uri).unwrap();
        let text = render_terminal(&m);
        // Read the glyphs back into modules: ink is a light module (see render_terminal).
        let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        let q = QUIET_ZONE as i64;
        let total = i64::from(m.width) + 2 * q;
        assert!(
            lines.iter().all(|l| l.len() as i64 == total),
            "every line spans the code plus both quiet zones"
        );
        assert_eq!(
            lines.len() as i64,
            (total + 1) / 2,
            "two module rows per line"
        );
        let light = |x: i64, y: i64| -> bool {
            let (cx, cy) = (x + q, y + q);
            if cx < 0 || cy < 0 || cx >= total || cy >= total {
                return true;
            }
            let c = lines[(cy / 2) as usize][cx as usize];
            if cy % 2 == 0 {
                matches!(c, '█' | '▀')
            } else {
                matches!(c, '█' | '▄')
            }
        };
        assert_eq!(decode(|x, y| !light(x, y), i64::from(m.width)), uri);
    }

    #[test]
    fn debug_hides_the_modules() {
        let m = encode("otpauth://totp/x?secret=ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF").unwrap();
        let dbg = format!("{m:?}");
        assert!(!dbg.contains("0101") && !dbg.contains("1010"), "{dbg}");
    }
}
