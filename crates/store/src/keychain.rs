//! The OS keychain through the `keyring` crate family: `keyring-core` with the Secret Service
//! store on Linux (GNOME Keyring, KWallet). The same `keyring-core` API has stores for the macOS
//! Keychain and the Windows Credential Manager; adding them is a `cfg` here, nothing above.
//!
//! The store is opened on first use, not at startup: a console whose keychain is missing must
//! still start, show why, and work with profiles that need no secret.

use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Error as KError};
use rampart_core::ports::{SecretVault, VaultError};
use secrecy::{ExposeSecret, SecretString};

/// Every Rampart entry has this service name; the account names the secret
/// (`profile/<name>/redis`, …).
pub const SERVICE: &str = "dev.rampart.console";

pub struct Keychain {
    service: String,
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl Default for Keychain {
    fn default() -> Self {
        Self::new(SERVICE)
    }
}

impl Keychain {
    /// A keychain whose entries use `service` (tests use their own, so they never touch the
    /// operator's entries).
    pub fn new(service: &str) -> Self {
        Self {
            service: service.into(),
            store: Mutex::new(None),
        }
    }

    fn store(&self) -> Result<Arc<CredentialStore>, VaultError> {
        let mut slot = self.store.lock().expect("keychain mutex poisoned");
        if let Some(s) = &*slot {
            return Ok(s.clone());
        }
        let s: Arc<CredentialStore> =
            zbus_secret_service_keyring_store::Store::new().map_err(map_err)?;
        *slot = Some(s.clone());
        Ok(s)
    }

    fn entry(&self, account: &str) -> Result<keyring_core::Entry, VaultError> {
        self.store()?
            .build(&self.service, account, None)
            .map_err(map_err)
    }
}

/// keyring errors carry platform detail but never the secret (BadEncoding's bytes are dropped
/// here on purpose).
fn map_err(e: KError) -> VaultError {
    match e {
        KError::NoStorageAccess(p) => VaultError::Locked(p.to_string()),
        KError::PlatformFailure(p) => VaultError::Unavailable(p.to_string()),
        KError::NoDefaultStore => VaultError::Unavailable("no credential store".into()),
        KError::BadEncoding(_) | KError::BadDataFormat(..) => {
            VaultError::Failed("the stored secret is not in the expected format".into())
        }
        KError::Ambiguous(v) => VaultError::Failed(format!(
            "{} keychain entries match; remove the duplicates with your keychain tool",
            v.len()
        )),
        other => VaultError::Failed(other.to_string()),
    }
}

impl SecretVault for Keychain {
    fn backend(&self) -> String {
        "Secret Service (keyring)".into()
    }

    fn get(&self, account: &str) -> Result<Option<SecretString>, VaultError> {
        match self.entry(account)?.get_password() {
            Ok(p) => Ok(Some(SecretString::from(p))),
            Err(KError::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, account: &str, secret: &SecretString) -> Result<(), VaultError> {
        self.entry(account)?
            .set_password(secret.expose_secret())
            .map_err(map_err)
    }

    fn delete(&self, account: &str) -> Result<(), VaultError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(KError::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Against a real Secret Service. `scripts/test.sh` runs these inside `dbus-run-session`
    //! with an unlocked GNOME Keyring in a scratch XDG dir (`-- --ignored keychain_live`).
    use super::*;

    fn vault() -> Keychain {
        Keychain::new(&format!("dev.rampart.test.{}", std::process::id()))
    }

    #[test]
    #[ignore = "needs a Secret Service in a D-Bus session; run by scripts/test.sh"]
    fn keychain_live_round_trip_overwrite_and_delete() {
        let v = vault();
        let secret = SecretString::from("비밀-pässwörd-🔑-with spaces".to_string());
        assert_eq!(
            v.get("profile/t/redis")
                .unwrap()
                .map(|s| s.expose_secret().to_string()),
            None
        );
        v.set("profile/t/redis", &secret).unwrap();
        assert_eq!(
            v.get("profile/t/redis").unwrap().unwrap().expose_secret(),
            secret.expose_secret(),
            "unicode secrets come back byte for byte"
        );
        v.set("profile/t/redis", &SecretString::from("second".to_string()))
            .unwrap();
        assert_eq!(
            v.get("profile/t/redis").unwrap().unwrap().expose_secret(),
            "second",
            "set replaces, never duplicates"
        );
        v.delete("profile/t/redis").unwrap();
        assert!(v.get("profile/t/redis").unwrap().is_none());
        v.delete("profile/t/redis")
            .expect("deleting an absent entry is not an error");
    }

    #[test]
    #[ignore = "needs a Secret Service in a D-Bus session; run by scripts/test.sh"]
    fn keychain_live_entries_are_separated_by_service_and_account() {
        let a = vault();
        let b = Keychain::new(&format!("dev.rampart.test.other.{}", std::process::id()));
        a.set("x", &SecretString::from("A".to_string())).unwrap();
        assert!(
            b.get("x").unwrap().is_none(),
            "another service sees nothing"
        );
        assert!(
            a.get("y").unwrap().is_none(),
            "another account sees nothing"
        );
        a.delete("x").unwrap();
    }

    #[test]
    fn without_a_session_bus_the_error_says_what_is_missing() {
        // Point D-Bus at nothing: the error must be a clear Unavailable, not a panic or hang.
        let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
            .map(|d| std::path::Path::new(&d).join("bus").exists())
            .unwrap_or(false);
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() || runtime_bus {
            return; // a live bus is present (the keychain stage); covered by the live tests
        }
        let v = vault();
        match v.get("anything") {
            Err(VaultError::Unavailable(_)) | Err(VaultError::Locked(_)) => {}
            other => panic!("expected Unavailable/Locked without a bus, got {other:?}"),
        }
    }
}
