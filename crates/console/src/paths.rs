//! Where Rampart keeps its files. Tests and CI point these at scratch dirs through the
//! environment; nothing is ever written next to the binary.

use std::path::PathBuf;

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// $RAMPART_DATA_DIR, else $XDG_DATA_HOME/rampart, else ~/.local/share/rampart.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RAMPART_DATA_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(d).join("rampart");
    }
    home().join(".local/share/rampart")
}

/// $RAMPART_CONFIG_DIR, else $XDG_CONFIG_HOME/rampart, else ~/.config/rampart.
pub fn config_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RAMPART_CONFIG_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME") {
        return PathBuf::from(d).join("rampart");
    }
    home().join(".config/rampart")
}

/// The default profile's embedded store.
pub fn default_embedded_path() -> PathBuf {
    data_dir().join("rampart.db")
}

/// Where refusals of read-only profiles are recorded (the audited store cannot take them).
pub fn local_trail_path() -> PathBuf {
    data_dir().join("local-trail.db")
}

/// The OS user, as the actor of local actions (profile edits, the bootstrap).
pub fn local_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("local:{user}")
}

/// Write `body` to `path` through a temporary file and a rename, so an interrupted save never
/// leaves a half-written file. Files are created owner-only (0600) where the OS supports it.
pub fn write_atomic(path: &std::path::Path, body: &[u8]) -> std::io::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(body)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
