//! What the desktop shell and the CLI share above the core: where files live, the settings and
//! profile files (references to keychain entries, never secrets), connecting a profile's
//! stores, "test connection", and the signed-in operator's session with its inactivity lock.
//!
//! Both shells stay thin: they parse input, call this crate or a core use case, and render.

pub mod bulk;
pub mod connect;
pub mod identity;
pub mod paths;
pub mod probe;
pub mod profile;
pub mod session;
pub mod settings;

pub use connect::Connected;
