//! Images: the featured image as the hero, and every image of a body, taken from the
//! `--uploads` folder into the media library through the upload pipeline (once per address);
//! one that cannot be brought over is left out and reported.

use diesel::prelude::*;

use super::{Importer, Report, body};
use crate::import::wxr::WpItem;
use crate::models::article::HeroImageInput;
use crate::models::media_item::{MediaItem, NewMediaItem};

impl Importer<'_, '_> {
    pub(super) fn hero(&mut self, item: &WpItem) -> QueryResult<Option<HeroImageInput>> {
        let Some(id) = item.meta("_thumbnail_id") else {
            return Ok(None);
        };
        let Some(url) = self.site.attachments.get(id).cloned() else {
            self.report.warnings.push(format!(
                "{}: its featured image (attachment {id}) is not in the export",
                Self::describe(item)
            ));
            return Ok(None);
        };
        let describe = Self::describe(item);
        let Some((new_url, width, height)) = self.bring_image(&url, &describe)? else {
            return Ok(None);
        };
        let alt = self
            .site
            .attachment_alts
            .get(id)
            .cloned()
            .unwrap_or_else(|| item.title.trim().to_string());
        Ok(Some(HeroImageInput {
            url: new_url,
            alt,
            width,
            height,
            ..HeroImageInput::default()
        }))
    }

    /// Takes the image at `url` from the uploads folder into the media library (once per
    /// address), through the same pipeline as an upload. None, reported, when it cannot.
    pub(super) fn bring_image(
        &mut self,
        url: &str,
        concerning: &str,
    ) -> QueryResult<Option<(String, i32, i32)>> {
        if let Some(known) = self.media.get(url) {
            return Ok(known.clone());
        }
        let placed = self.store_image(url, concerning)?;
        self.media.insert(url.to_string(), placed.clone());
        Ok(placed)
    }

    pub(super) fn store_image(
        &mut self,
        url: &str,
        concerning: &str,
    ) -> QueryResult<Option<(String, i32, i32)>> {
        let relative = url
            .split_once("/wp-content/uploads/")
            .map(|(_, rest)| rest.split(['?', '#']).next().unwrap_or_default());
        let file = match (&self.options.uploads, relative) {
            (Some(folder), Some(relative)) if !relative.contains("..") => folder.join(relative),
            (None, Some(_)) => {
                self.report.warnings.push(format!(
                    "{concerning}: image {url} left out (no --uploads folder given)"
                ));
                return Ok(None);
            }
            _ => {
                self.report.warnings.push(format!(
                    "{concerning}: image {url} left out (not in the site's uploads)"
                ));
                return Ok(None);
            }
        };
        let Ok(data) = std::fs::read(&file) else {
            self.report.warnings.push(format!(
                "{concerning}: image {url} left out (not found at {})",
                file.display()
            ));
            return Ok(None);
        };
        if self.options.dry_run {
            return Ok(Some((url.to_string(), 0, 0)));
        }
        let stem = format!(
            "{}-{}",
            self.now.format("%Y%m%d"),
            &crate::auth::random_token()[..12]
        );
        let stored = match crate::media::store_upload(&data, &self.options.media_dir, &stem) {
            Ok(stored) => stored,
            Err(error) => {
                self.report
                    .warnings
                    .push(format!("{concerning}: image {url} left out ({error})"));
                return Ok(None);
            }
        };
        let original_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let item = MediaItem::insert(
            self.conn,
            &NewMediaItem {
                stem: &stored.stem,
                extension: stored.extension,
                original_name: &original_name,
                width: stored.width,
                height: stored.height,
                bytes: stored.bytes,
                alt: "",
                credit: "",
                uploaded_by: None,
                created_at: self.now,
                caption: "",
            },
        )?;
        Report::count(&mut self.report.imported, "images");
        Ok(Some((item.url(), stored.width, stored.height)))
    }
}

/// The body converter's view of the importer: images go through `bring_image`.
pub(super) struct ImageMover<'i, 'a, 'c> {
    pub(super) importer: &'i mut Importer<'a, 'c>,
    pub(super) post: String,
}

impl body::Images for ImageMover<'_, '_, '_> {
    fn place(&mut self, old_url: &str) -> Option<String> {
        match self.importer.bring_image(old_url, &self.post) {
            Ok(placed) => placed.map(|(url, _, _)| url),
            Err(error) => {
                self.importer
                    .report
                    .warnings
                    .push(format!("{}: image {old_url} left out ({error})", self.post));
                None
            }
        }
    }

    fn attachment_url(&self, id: &str) -> Option<String> {
        self.importer.site.attachments.get(id).cloned()
    }
}
