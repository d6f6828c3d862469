//! Finding the opencode binary.

use std::path::{Path, PathBuf};

/// Where the pinned npm install puts the native binary, relative to the
/// project root (`package.json` pins the version).
const NPM_NATIVE: &str = "node_modules/opencode-linux-x64/bin/opencode";
/// The npm launcher, if the platform package is named differently.
const NPM_LAUNCHER: &str = "node_modules/.bin/opencode";

/// Finds opencode: the configured path, then the project's pinned npm
/// install (looked up from the working directory and the executable's
/// ancestors), then `PATH`.
pub fn locate(configured: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = configured {
        return if is_executable(path) {
            Ok(path.to_path_buf())
        } else {
            Err(format!(
                "the configured opencode binary {} does not exist or is not executable",
                path.display()
            ))
        };
    }
    for root in &project_roots() {
        for rel in [NPM_NATIVE, NPM_LAUNCHER] {
            let candidate = root.join(rel);
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join("opencode");
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    Err(
        "opencode not found: run `make run` (it installs the pinned opencode-ai with npm) \
         or set POCKETCODE_OPENCODE_BIN"
            .to_string(),
    )
}

/// Where the project's npm installs may be: the working directory, then
/// the executable's ancestors (`target/release/..`, an image's `/app`).
pub fn project_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        roots.push(cwd);
    }
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    roots
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_path_that_is_missing_is_an_error_naming_it() {
        let err = locate(Some(Path::new("/nonexistent/opencode"))).unwrap_err();
        assert!(err.contains("/nonexistent/opencode"), "{err}");
    }

    #[test]
    fn a_configured_executable_is_used_as_is() {
        let found = locate(Some(Path::new("/bin/sh"))).expect("sh is executable");
        assert_eq!(found, PathBuf::from("/bin/sh"));
    }
}
