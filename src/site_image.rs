//! The site image: what a page without a picture of its own shows search engines and social
//! networks (an article's JSON-LD `image`, `og:image` and `twitter:image`, the feeds' media).
//!
//! Google's article rich results want several shapes (16:9, 4:3, 1:1) and Top Stories and
//! Discover want them at least 1,200 px wide, so the image is prepared once at start like an
//! upload (decoded, re-encoded, cut to each shape at exactly 1,200 px wide) into the media
//! folder. The file names carry the source's fingerprint: servers sharing the folder write the
//! same files (once), and a new image gets new addresses instead of stale caches.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{DynamicImage, GenericImageView};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::media::{self, ImageVariant};

/// The width of every shape.
pub const WIDTH: u32 = 1200;
/// The shapes, widest first (the first is the one `og:image` shows): name, ratio.
const SHAPES: [(&str, u32, u32); 3] = [("16x9", 16, 9), ("4x3", 4, 3), ("1x1", 1, 1)];
/// Where the prepared copies go, under the media folder (served at `/media/site/`).
const FOLDER: &str = "site";
/// The bundled image, under the static folder: used when the setting names none that works.
pub const BUNDLED: &str = "img/site-image.jpg";

/// The site image in its three shapes (site-relative URLs), and the text that describes it.
#[derive(Debug, Clone)]
pub struct SiteImage {
    pub shapes: Vec<ImageVariant>,
    pub alt: String,
}

impl SiteImage {
    /// The image `config.site_image` names, prepared (or found already prepared). A setting
    /// that cannot be used is logged and the bundled image used instead; if even that fails
    /// (no static folder), the shapes are empty and pages simply name no image.
    pub fn prepare(config: &Config) -> SiteImage {
        let alt = config.site_name.clone();
        let configured = source_path(config, &config.site_image);
        let shapes = prepare_from(&configured, &config.media_dir).or_else(|error| {
            tracing::warn!(path = %configured.display(), %error, "site image unusable; using the bundled one");
            prepare_from(&config.static_dir.join(BUNDLED), &config.media_dir)
        });
        match shapes {
            Ok(shapes) => SiteImage { shapes, alt },
            Err(error) => {
                tracing::error!(%error, "no site image: pages without a picture name none");
                SiteImage {
                    shapes: Vec::new(),
                    alt,
                }
            }
        }
    }

    /// The 16:9 shape, for `og:image` and `twitter:image`.
    pub fn wide(&self) -> Option<&ImageVariant> {
        self.shapes.first()
    }
}

/// `/media/…` names an image in the media library; anything else a file under the static
/// folder.
fn source_path(config: &Config, setting: &str) -> PathBuf {
    match setting.strip_prefix("/media/") {
        Some(name) => config.media_dir.join(name),
        None => config.static_dir.join(setting.trim_start_matches('/')),
    }
}

fn prepare_from(source: &Path, media_dir: &Path) -> Result<Vec<ImageVariant>, String> {
    let data = std::fs::read(source).map_err(|e| format!("cannot read it: {e}"))?;
    let fingerprint: String = Sha256::digest(&data)
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let folder = media_dir.join(FOLDER);
    let shapes: Vec<(String, u32, u32, u32)> = SHAPES
        .iter()
        .map(|(name, w, h)| {
            (
                format!("site-image-{fingerprint}-{name}.jpg"),
                *w,
                *h,
                WIDTH * h / w,
            )
        })
        .collect();
    if shapes.iter().any(|(name, ..)| !folder.join(name).is_file()) {
        let (decoded, _) = media::decode(&data).map_err(|e| e.to_string())?;
        let (width, height) = decoded.dimensions();
        if width < WIDTH || height < WIDTH * 9 / 16 {
            tracing::warn!(
                path = %source.display(), width, height,
                "the site image is smaller than 1,200 px wide; its copies are enlarged"
            );
        }
        std::fs::create_dir_all(&folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        for (name, ratio_w, ratio_h, height) in &shapes {
            let shape = media::centre_crop(&decoded, *ratio_w, *ratio_h);
            write_atomically(&folder, name, &resized(&shape, *height))?;
        }
    }
    Ok(shapes
        .into_iter()
        .map(|(name, _, _, height)| ImageVariant {
            url: format!("/media/{FOLDER}/{name}"),
            width: WIDTH as i32,
            height: height as i32,
        })
        .collect())
}

fn resized(shape: &DynamicImage, height: u32) -> DynamicImage {
    if shape.dimensions() == (WIDTH, height) {
        shape.clone()
    } else {
        shape.resize_exact(WIDTH, height, FilterType::Lanczos3)
    }
}

/// Another server sharing the media folder may be writing the same file: each writes its own
/// temporary file and renames it into place, so no reader ever sees half an image.
fn write_atomically(folder: &Path, name: &str, image: &DynamicImage) -> Result<(), String> {
    let bytes = media::encode(image, "jpg").map_err(|e| e.to_string())?;
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, folder.join(name)))
        .map_err(|e| format!("cannot write {name}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_shapes_at_1200_px_from_any_source_prepared_once() {
        let media = tempfile::tempdir().unwrap();
        let source = media.path().join("photo.png");
        // A small, tall source: every shape is cut from its middle and enlarged.
        DynamicImage::new_rgb8(300, 500).save(&source).unwrap();
        let shapes = prepare_from(&source, media.path()).unwrap();
        let sizes: Vec<(i32, i32)> = shapes.iter().map(|s| (s.width, s.height)).collect();
        assert_eq!(sizes, [(1200, 675), (1200, 900), (1200, 1200)]);
        for shape in &shapes {
            let file = media
                .path()
                .join(shape.url.strip_prefix("/media/").unwrap());
            let (width, height) = image::image_dimensions(&file).unwrap();
            assert_eq!((width as i32, height as i32), (shape.width, shape.height));
        }
        // Prepared files are reused as they are.
        let first = media
            .path()
            .join(shapes[0].url.strip_prefix("/media/").unwrap());
        let written = std::fs::metadata(&first).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            prepare_from(&source, media.path()).unwrap()[0].url,
            shapes[0].url
        );
        assert_eq!(
            std::fs::metadata(&first).unwrap().modified().unwrap(),
            written
        );
    }

    #[test]
    fn a_file_that_is_not_an_image_is_refused() {
        let media = tempfile::tempdir().unwrap();
        let source = media.path().join("notes.txt");
        std::fs::write(&source, "not an image").unwrap();
        assert!(prepare_from(&source, media.path()).is_err());
    }
}
