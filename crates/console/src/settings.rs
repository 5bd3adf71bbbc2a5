//! Operator preferences: language, time zone, theme, inactivity lock. A small JSON file in the
//! config dir; no secrets.

use rampart_core::CoreError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

fn path() -> std::path::PathBuf {
    config_dir().join("settings.json")
}

/// Load settings; a missing file gives the defaults, a corrupt one an error that names it (the
/// file is left as it is).
pub fn load(os_locale: &str) -> Result<Settings, CoreError> {
    let p = path();
    match std::fs::read(&p) {
        Ok(b) => serde_json::from_slice(&b).map_err(|e| {
            CoreError::Config(format!(
                "the settings file {} is unreadable ({e}); Rampart left it untouched: fix it or delete it to start from the defaults",
                p.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(Settings::defaults_for_locale(os_locale))
        }
        Err(e) => Err(CoreError::Config(format!("cannot read {}: {e}", p.display()))),
    }
}

pub fn save(s: &Settings) -> Result<(), CoreError> {
    s.validate()?;
    let p = path();
    let body = serde_json::to_vec_pretty(s).map_err(|e| CoreError::Internal(e.to_string()))?;
    write_atomic(&p, &body)
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
}
