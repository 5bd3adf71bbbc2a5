fn main() {
    // generate_context! embeds ui/dist at compile time, but a proc macro cannot tell cargo which
    // files it read, and tauri-build does not watch the frontend dist: after `npm run build` an
    // incremental build kept shipping the previous UI. Watching the directory (cargo scans it
    // recursively) reruns this script, which recompiles the crate and re-embeds the assets.
    println!("cargo:rerun-if-changed=ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("failed to run tauri-build");
}
