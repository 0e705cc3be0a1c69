//! Reading ahead: a second thread reads the export's items, and converts and renders each
//! post's body, while the importer's thread stores the post before it. The text work and the
//! database work then run on two cores (perf, 2026-12-03: parsing the XML, converting and
//! rendering the bodies were a fifth of a 100,000-post import, all on the importer's thread).
//!
//! A body with an image to bring over is left to the importer: only it may write to the media
//! library, inside the import's transaction. It converts that body again itself.

use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::Scope;

use super::Site;
use super::body::{self, Images};
use super::wxr::{self, Record, WpItem};
use crate::markdown::Prerendered;

/// An item of the export, with its body converted and rendered when that needed nothing from
/// the database.
pub(super) struct ReadAhead {
    pub item: Box<WpItem>,
    pub body: Option<Prerendered>,
}

/// How many items the reader may get ahead of the importer: bounds the memory it holds.
const WAITING: usize = 64;

/// What the reader sends: an item, the end of the file (None), or why it stopped.
type Message = Result<Option<ReadAhead>, String>;

/// The export's items, read on a thread of `scope`.
pub(super) struct Items {
    receiver: Receiver<Message>,
}

impl Items {
    /// Starts reading `path` (already checked whole by `Site::read`). When the importer stops
    /// early, dropping `Items` ends the reader at its next item.
    pub(super) fn read<'scope, 'env>(
        scope: &'scope Scope<'scope, 'env>,
        path: &'env Path,
        site: &'env Site,
    ) -> Items {
        let (sender, receiver) = sync_channel::<Message>(WAITING);
        scope.spawn(move || {
            let mut records = match wxr::open(path) {
                Ok(records) => records,
                Err(message) => {
                    let _ = sender.send(Err(message));
                    return;
                }
            };
            loop {
                let message = match records.next_record() {
                    Ok(Some(Record::Item(item))) => Ok(Some(prepare(item, site))),
                    Ok(Some(_)) => continue,
                    Ok(None) => Ok(None),
                    Err(error) => Err(error.to_string()),
                };
                let last = !matches!(message, Ok(Some(_)));
                if sender.send(message).is_err() || last {
                    return;
                }
            }
        });
        Items { receiver }
    }

    /// The next item; None at the end of the file. A reader that stopped without saying why
    /// (it panicked) is an error, never the end: the import must not commit half a file.
    pub(super) fn next_item(&self) -> Result<Option<ReadAhead>, String> {
        self.receiver.recv().unwrap_or_else(|_| {
            Err("reading the export stopped before the end of the file".to_string())
        })
    }
}

fn prepare(item: Box<WpItem>, site: &Site) -> ReadAhead {
    let body = if item.post_type == "post" {
        let mut images = LeftToTheImporter { site, asked: false };
        let markdown = body::convert(&item.content, item.meta("footnotes"), &mut images);
        (!images.asked).then(|| Prerendered::new(markdown))
    } else {
        None
    };
    ReadAhead { item, body }
}

/// The converter's view of images on the reading thread: it notes that the body has one to
/// bring over, and the conversion is then thrown away.
struct LeftToTheImporter<'s> {
    site: &'s Site,
    asked: bool,
}

impl Images for LeftToTheImporter<'_> {
    fn place(&mut self, _old_url: &str) -> Option<String> {
        self.asked = true;
        None
    }

    fn attachment_url(&self, id: &str) -> Option<String> {
        self.site.attachments.get(id).cloned()
    }
}
