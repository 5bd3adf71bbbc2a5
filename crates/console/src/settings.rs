//! Operator preferences: language, time zone, theme, inactivity lock. A small JSON file in the
//! config dir; no secrets.

use rampart_core::CoreError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::path::{Path, PathBuf};

use crate::paths::{config_dir, write_atomic};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Ko,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    System,
    Dark,
    Light,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    pub language: Language,
    /// IANA zone the UI shows times in; the stores keep naive UTC.
    pub time_zone: String,
    pub theme: Theme,
    /// The console locks after this many minutes without activity (1–120).
    pub lock_after_minutes: u32,
}

pub const DEFAULT_LOCK_MINUTES: u32 = 15;

impl Settings {
    /// Korean when the OS locale is Korean, else English; Seoul time; 15-minute lock.
    pub fn defaults_for_locale(os_locale: &str) -> Self {
        Self {
            language: if os_locale.to_ascii_lowercase().starts_with("ko") {
                Language::Ko
            } else {
                Language::En
            },
            time_zone: "Asia/Seoul".into(),
            theme: Theme::System,
            lock_after_minutes: DEFAULT_LOCK_MINUTES,
        }
    }

    pub fn validate(&self) -> Result<(), CoreError> {
        if !(1..=120).contains(&self.lock_after_minutes) {
            return Err(CoreError::Validation(
                "the inactivity lock must be between 1 and 120 minutes".into(),
            ));
        }
        let tz = &self.time_zone;
        let ok = !tz.is_empty()
            && tz.len() <= 64
            && tz
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
        if !ok {
            return Err(CoreError::Validation(format!(
                "`{tz}` is not an IANA time zone name such as Asia/Seoul"
            )));
        }
        Ok(())
    }
}

/// The OS locale as the environment states it (`LC_ALL`, `LC_MESSAGES`, `LANG`), e.g. `ko_KR`.
pub fn os_locale() -> String {
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() && v != "C" && v != "POSIX" {
                return v.split('.').next().unwrap_or(&v).to_string();
            }
        }
    }
    "en_US".into()
}

fn path() -> PathBuf {
    config_dir().join("settings.json")
}

/// Load settings; a missing file gives the defaults, a corrupt one an error that names it (the
/// file is left as it is).
pub fn load(os_locale: &str) -> Result<Settings, CoreError> {
    load_from(&path(), os_locale)
}

/// Save settings. A corrupt file in the way is kept beside it, not overwritten.
pub fn save(s: &Settings) -> Result<(), CoreError> {
    save_to(&path(), s)
}

fn load_from(p: &Path, os_locale: &str) -> Result<Settings, CoreError> {
    match std::fs::read(p) {
        Ok(b) => {
            let unreadable = |why: String| {
                CoreError::Config(format!(
                    "the settings file {} is unreadable ({why}); Rampart left it untouched and uses the defaults until you save, which keeps the old file as {}",
                    p.display(),
                    corrupt_path(p).display()
                ))
            };
            let s: Settings = serde_json::from_slice(&b).map_err(|e| unreadable(e.to_string()))?;
            // A value the Settings page could never have saved (a hand edit) is refused as
            // corrupt rather than obeyed: a 0-minute or 10-day lock would silently change
            // how the console protects an unattended session.
            s.validate().map_err(|e| unreadable(e.to_string()))?;
            Ok(s)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(Settings::defaults_for_locale(os_locale))
        }
        Err(e) => Err(CoreError::Config(format!(
            "cannot read {}: {e}",
            p.display()
        ))),
    }
}

/// Where a corrupt settings file goes when settings are saved over it.
fn corrupt_path(p: &Path) -> PathBuf {
    p.with_extension("json.corrupt")
}

fn save_to(p: &Path, s: &Settings) -> Result<(), CoreError> {
    s.validate()?;
    // The load error promised the operator's file is left alone: when what is there does not
    // load, it is renamed aside before the new file replaces it, so a hand-edited file with one
    // typo can be recovered.
    if p.exists() && load_from(p, "en").is_err() {
        std::fs::rename(p, corrupt_path(p)).map_err(|e| {
            CoreError::Config(format!(
                "cannot keep the unreadable {} as {}: {e}",
                p.display(),
                corrupt_path(p).display()
            ))
        })?;
    }
    let body = serde_json::to_vec_pretty(s).map_err(|e| CoreError::Internal(e.to_string()))?;
    write_atomic(p, &body)
        .map_err(|e| CoreError::Config(format!("cannot write {}: {e}", p.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_locales_default_to_korean_and_seoul() {
        let s = Settings::defaults_for_locale("ko_KR");
        assert_eq!(s.language, Language::Ko);
        assert_eq!(s.time_zone, "Asia/Seoul");
        assert_eq!(s.lock_after_minutes, 15, "the issue's default lock");
        assert_eq!(
            Settings::defaults_for_locale("en_GB").language,
            Language::En
        );
    }

    #[test]
    fn validation_names_the_bad_field() {
        let mut s = Settings::defaults_for_locale("en");
        s.lock_after_minutes = 0;
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("between 1 and 120"));
        s.lock_after_minutes = 15;
        s.time_zone = "Asia/Seoul; rm -rf".into();
        assert!(s.validate().is_err(), "only zone-name characters pass");
    }

    /// Issue 3, bad input: a corrupt settings file loses nothing. It is reported (not obeyed,
    /// even when it parses but holds an impossible lock time), and the first save keeps it
    /// beside the new file instead of overwriting it.
    #[test]
    fn a_corrupt_settings_file_is_reported_and_kept_when_saving() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        assert_eq!(
            load_from(&p, "ko_KR").unwrap(),
            Settings::defaults_for_locale("ko_KR"),
            "no file: the defaults"
        );
        std::fs::write(&p, b"{\"language\": \"ko\", oops").unwrap();
        let e = load_from(&p, "en").unwrap_err();
        assert!(matches!(e, CoreError::Config(_)));
        assert!(e.to_string().contains("settings.json"), "{e}");

        let mut odd = Settings::defaults_for_locale("en");
        odd.lock_after_minutes = 14_400;
        std::fs::write(&p, serde_json::to_vec(&odd).unwrap()).unwrap();
        let e = load_from(&p, "en").unwrap_err();
        assert!(e.to_string().contains("between 1 and 120"), "{e}");

        let mine = Settings {
            language: Language::Ko,
            ..Settings::defaults_for_locale("en")
        };
        save_to(&p, &mine).unwrap();
        assert_eq!(load_from(&p, "en").unwrap(), mine);
        assert_eq!(
            std::fs::read(corrupt_path(&p)).unwrap(),
            serde_json::to_vec(&odd).unwrap(),
            "the old file is kept byte for byte"
        );

        // A good file is simply replaced (no stray copies).
        std::fs::remove_file(corrupt_path(&p)).unwrap();
        save_to(&p, &Settings::defaults_for_locale("en")).unwrap();
        assert!(!corrupt_path(&p).exists());
    }
}
