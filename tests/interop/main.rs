//! Interop with the service's own Python code, both ways, over a real Redis: Rust writes and the
//! Python peer (redis-py, pyotp, cryptography, bcrypt, PyJWT, the seed's logic) reads; Python
//! writes as the seed does and Rust reads.
