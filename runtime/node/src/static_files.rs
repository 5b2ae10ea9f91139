//! The web app's static files (`web/app/`): `/` is its `index.html`, every
//! other file is under `/app/`. A handful of small files read per request,
//! so no file-server dependency; paths are refused unless they are plain
//! relative names (no `..`, no absolute paths), so nothing outside the
//! directory is ever read.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        // Browsers compile Wasm streaming only when served as application/wasm.
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// `relative` inside `root`, or `None` when it would leave it.
pub fn resolve(root: &Path, relative: &str) -> Option<PathBuf> {
    let rel = Path::new(relative);
    if relative.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(root.join(rel))
}

pub fn serve(root: Option<&Path>, relative: &str) -> Response {
    let Some(root) = root else {
        return (StatusCode::NOT_FOUND, "this node serves no web app (start it with --web DIR)").into_response();
    };
    let Some(path) = resolve(root, relative) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            ([(header::CONTENT_TYPE, content_type(&path)), (header::CACHE_CONTROL, "no-cache")], bytes).into_response()
        }
        Err(_) if relative.starts_with("pkg/") => {
            (StatusCode::NOT_FOUND, "the page's Wasm is not built: run scripts/build-web").into_response()
        }
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_resolve() {
        let root = Path::new("/srv/app");
        assert_eq!(resolve(root, "pkg/procura_web.js"), Some(PathBuf::from("/srv/app/pkg/procura_web.js")));
        for bad in ["", "../secret", "pkg/../../x", "/etc/passwd", "./index.html"] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
    }
}
