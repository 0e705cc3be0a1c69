//! Cache-busting URLs for static files: each URL carries a hash of the file's content, so
//! browsers may keep static files for a year and still see every change at once.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Assets {
    versioned: HashMap<String, String>,
}

impl Assets {
    /// Hashes every file under the static folder.
    pub fn scan(static_dir: &Path) -> std::io::Result<Assets> {
        let mut versioned = HashMap::new();
        let mut folders = vec![static_dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder)? {
                let path = entry?.path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                let Ok(relative) = path.strip_prefix(static_dir) else {
                    continue;
                };
                let relative = relative.to_string_lossy().replace('\\', "/");
                let mut hasher = DefaultHasher::new();
                hasher.write(&std::fs::read(&path)?);
                let url = format!("/static/{relative}?v={:08x}", hasher.finish() as u32);
                versioned.insert(relative, url);
            }
        }
        Ok(Assets { versioned })
    }

    /// True when `path` and `query` are a file's current versioned URL (so its content will
    /// never change under it).
    pub fn is_current(&self, path: &str, query: &str) -> bool {
        path.strip_prefix("/static/")
            .and_then(|relative| self.versioned.get(relative))
            .is_some_and(|url| url.split_once('?').is_some_and(|(_, v)| v == query))
    }

    /// The versioned URL of a static file, e.g. `css/site.css` → `/static/css/site.css?v=…`.
    pub fn url(&self, relative: &str) -> String {
        self.versioned
            .get(relative)
            .cloned()
            .unwrap_or_else(|| format!("/static/{relative}"))
    }
}
