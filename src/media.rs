//! Stored images. Every hero image Gazette stores (the demo illustrations now, uploads later)
//! is 16:9 with centre crops beside it at 4:3 and 1:1, named `<stem>-4x3.<ext>` and
//! `<stem>-1x1.<ext>`, so pages and structured data can offer each shape without a lookup.

/// Where images with crops live.
const STORED_PREFIXES: &[&str] = &["/static/img/demo/", "/media/"];

#[derive(Debug, Clone, PartialEq)]
pub struct ImageVariant {
    pub url: String,
    pub width: i32,
    pub height: i32,
}

/// The original and, for stored 16:9 images, its 4:3 and 1:1 crops, widest first.
pub fn hero_variants(url: &str, width: i32, height: i32) -> Vec<ImageVariant> {
    let mut variants = vec![ImageVariant {
        url: url.to_string(),
        width,
        height,
    }];
    let stored = STORED_PREFIXES.iter().any(|prefix| url.starts_with(prefix));
    let sixteen_by_nine = width * 9 == height * 16;
    if let (true, true, Some((stem, ext))) = (stored, sixteen_by_nine, url.rsplit_once('.')) {
        variants.push(ImageVariant {
            url: format!("{stem}-4x3.{ext}"),
            width: height * 4 / 3,
            height,
        });
        variants.push(ImageVariant {
            url: format!("{stem}-1x1.{ext}"),
            width: height,
            height,
        });
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_images_offer_three_shapes() {
        let variants = hero_variants("/static/img/demo/harbour.jpg", 1200, 675);
        let urls: Vec<_> = variants.iter().map(|v| v.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "/static/img/demo/harbour.jpg",
                "/static/img/demo/harbour-4x3.jpg",
                "/static/img/demo/harbour-1x1.jpg"
            ]
        );
        assert_eq!((variants[1].width, variants[1].height), (900, 675));
        assert_eq!(
            hero_variants("https://elsewhere.example/a.jpg", 1200, 675).len(),
            1
        );
        assert_eq!(hero_variants("/media/a.jpg", 800, 800).len(), 1);
    }
}

// ---- Uploads ----

use std::io::Cursor;
use std::path::Path;

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, GenericImageView, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Uploads larger than this are refused (413).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// The widest copy kept; narrower ones are made for `srcset`.
const MAX_WIDTH: u32 = 1600;
const SRCSET_WIDTHS: [u32; 2] = [480, 960];

/// The longest side a picture may have, and the most pixels: a 10 MB file can claim far more
/// (a PNG of 1,600 × 65,000 decodes to ~310 MB).
const MAX_SIDE: u32 = 12_000;
const MAX_PIXELS: u64 = 40_000_000;
/// A picture at most this many times as long as it is wide (a 1 × 20,000 strip is no photo).
const MAX_ASPECT: u32 = 20;
/// Memory one decode may take.
const DECODE_MEMORY: u64 = 256 * 1024 * 1024;

/// Why an upload was refused, in words for the person uploading.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF picture.")]
    NotAnImage,
    #[error(
        "This picture is {0} × {1} pixels: the largest we take is 12,000 pixels a side and 40 megapixels. Upload a smaller copy."
    )]
    TooManyPixels(u32, u32),
    #[error(
        "This picture is {0} × {1} pixels: too long and thin to show (at most 20 times as long as it is wide)."
    )]
    OddShape(u32, u32),
    #[error("The image could not be saved: {0}")]
    Storage(String),
}

/// An image decoded, cleaned and written to the media folder.
#[derive(Debug, Clone)]
pub struct StoredImage {
    pub stem: String,
    pub extension: &'static str,
    pub width: i32,
    pub height: i32,
    pub bytes: i32,
}

pub(crate) fn encode(image: &DynamicImage, extension: &str) -> Result<Vec<u8>, UploadError> {
    let mut out = Cursor::new(Vec::new());
    let result = if extension == "png" {
        image.write_to(&mut out, ImageFormat::Png)
    } else {
        // JPEG has no alpha: flatten to RGB first.
        DynamicImage::ImageRgb8(image.to_rgb8()).write_to(&mut out, ImageFormat::Jpeg)
    };
    result.map_err(|e| UploadError::Storage(e.to_string()))?;
    Ok(out.into_inner())
}

pub(crate) fn centre_crop(image: &DynamicImage, ratio_w: u32, ratio_h: u32) -> DynamicImage {
    let (width, height) = image.dimensions();
    let (crop_w, crop_h) = if width * ratio_h > height * ratio_w {
        (height * ratio_w / ratio_h, height)
    } else {
        (width, width * ratio_h / ratio_w)
    };
    image.crop_imm(
        (width - crop_w) / 2,
        (height - crop_h) / 2,
        crop_w.max(1),
        crop_h.max(1),
    )
}

/// Decodes `data` by its content (never its name or declared type) within limits: its size is
/// read from the header and checked before any pixel is decoded, and the decoder may not take
/// more than `DECODE_MEMORY`. The picture is turned the way its EXIF orientation says (phone
/// photos are stored sideways), since re-encoding drops EXIF.
pub(crate) fn decode(data: &[u8]) -> Result<(DynamicImage, ImageFormat), UploadError> {
    let reader = || {
        ImageReader::new(Cursor::new(data))
            .with_guessed_format()
            .map_err(|_| UploadError::NotAnImage)
    };
    let format = reader()?.format().ok_or(UploadError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif
    ) {
        return Err(UploadError::NotAnImage);
    }
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|_| UploadError::NotAnImage)?;
    let (long, short) = (width.max(height), width.min(height));
    if long > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(UploadError::TooManyPixels(width, height));
    }
    if short == 0 || long / short > MAX_ASPECT {
        return Err(UploadError::OddShape(width, height));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(DECODE_MEMORY);
    let mut reader = reader()?;
    reader.limits(limits);
    let refused = |error: image::ImageError| match error {
        image::ImageError::Limits(_) => UploadError::TooManyPixels(width, height),
        _ => UploadError::NotAnImage,
    };
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut decoded = DynamicImage::from_decoder(decoder).map_err(refused)?;
    decoded.apply_orientation(orientation);
    Ok((decoded, format))
}

/// Decodes `data` (see `decode`), re-encodes it (which drops EXIF and anything else hidden in
/// the file), and writes the copies under `folder`.
pub fn store_upload(data: &[u8], folder: &Path, stem: &str) -> Result<StoredImage, UploadError> {
    let (decoded, format) = decode(data)?;
    let extension = if decoded.color().has_alpha() && format != ImageFormat::Jpeg {
        "png"
    } else {
        "jpg"
    };
    let main = if decoded.width() > MAX_WIDTH {
        decoded.resize(MAX_WIDTH, u32::MAX, FilterType::Lanczos3)
    } else {
        decoded
    };
    std::fs::create_dir_all(folder).map_err(|e| UploadError::Storage(e.to_string()))?;
    let write = |name: String, image: &DynamicImage| -> Result<usize, UploadError> {
        let bytes = encode(image, extension)?;
        std::fs::write(folder.join(name), &bytes)
            .map_err(|e| UploadError::Storage(e.to_string()))?;
        Ok(bytes.len())
    };
    let bytes = write(format!("{stem}.{extension}"), &main)?;
    for width in SRCSET_WIDTHS {
        let copy = if main.width() > width {
            main.resize(width, u32::MAX, FilterType::Lanczos3)
        } else {
            main.clone()
        };
        write(format!("{stem}-{width}w.{extension}"), &copy)?;
    }
    write(format!("{stem}-4x3.{extension}"), &centre_crop(&main, 4, 3))?;
    write(format!("{stem}-1x1.{extension}"), &centre_crop(&main, 1, 1))?;
    Ok(StoredImage {
        stem: stem.to_string(),
        extension,
        width: main.width() as i32,
        height: main.height() as i32,
        bytes: bytes as i32,
    })
}

/// Removes an image's files (the original, its narrower copies and its crops). A file already
/// gone is not an error; the first other failure is returned after trying the rest.
pub fn remove_files(folder: &Path, stem: &str, extension: &str) -> std::io::Result<()> {
    let mut names = vec![format!("{stem}.{extension}")];
    names.extend(SRCSET_WIDTHS.map(|width| format!("{stem}-{width}w.{extension}")));
    names.extend(["4x3", "1x1"].map(|shape| format!("{stem}-{shape}.{extension}")));
    let mut outcome = Ok(());
    for name in names {
        match std::fs::remove_file(folder.join(name)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound && outcome.is_ok() => {
                outcome = Err(error);
            }
            _ => {}
        }
    }
    outcome
}

/// `srcset` for an uploaded image (the narrower copies and the original); None for images
/// that have no narrower copies.
pub fn srcset(url: &str, width: i32) -> Option<String> {
    let (stem, extension) = url.strip_prefix("/media/")?.rsplit_once('.')?;
    let mut parts: Vec<String> = SRCSET_WIDTHS
        .iter()
        .filter(|w| (**w as i32) < width)
        .map(|w| format!("/media/{stem}-{w}w.{extension} {w}w"))
        .collect();
    parts.push(format!("{url} {width}w"));
    Some(parts.join(", "))
}

#[cfg(test)]
mod upload_tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::new_rgb8(width, height);
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn images_are_decoded_by_content_and_copies_are_written() {
        let dir = tempfile_dir("copies");
        let stored = store_upload(&png(2000, 1125), &dir, "photo").unwrap();
        assert_eq!((stored.width, stored.height), (1600, 900));
        assert_eq!(stored.extension, "jpg");
        for name in [
            "photo.jpg",
            "photo-480w.jpg",
            "photo-960w.jpg",
            "photo-4x3.jpg",
            "photo-1x1.jpg",
        ] {
            assert!(dir.join(name).exists(), "{name}");
        }
        // A GIF signature and then text: its "size" is whatever the text spells, refused unread.
        assert!(matches!(
            store_upload(b"GIF89a but not really", &dir, "x"),
            Err(UploadError::NotAnImage | UploadError::TooManyPixels(..))
        ));
        assert!(matches!(
            store_upload(b"<html>hello</html>", &dir, "y"),
            Err(UploadError::NotAnImage)
        ));
        assert_eq!(
            srcset("/media/photo.jpg", 1600).as_deref(),
            Some("/media/photo-480w.jpg 480w, /media/photo-960w.jpg 960w, /media/photo.jpg 1600w")
        );
        std::fs::write(dir.join("photograph.jpg"), b"another image").unwrap();
        remove_files(&dir, "photo", "jpg").unwrap();
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, ["photograph.jpg"], "every copy gone, nothing else");
        remove_files(&dir, "photo", "jpg").expect("already gone is fine");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A JPEG of `width` × `height` whose EXIF says "turn 90° clockwise to view" (orientation
    /// 6), as a phone held upright writes it.
    fn sideways_jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::new_rgb8(width, height)
            .write_to(&mut out, ImageFormat::Jpeg)
            .unwrap();
        let jpeg = out.into_inner();
        let tiff: &[u8] = &[
            b'I', b'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF, first IFD at 8
            1, 0, // one entry:
            0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // Orientation (SHORT) = 6
            0, 0, 0, 0, // no next IFD
        ];
        let length = (2 + 6 + tiff.len()) as u16;
        let mut with_exif = jpeg[..2].to_vec(); // SOI
        with_exif.extend_from_slice(&[0xFF, 0xE1]);
        with_exif.extend_from_slice(&length.to_be_bytes());
        with_exif.extend_from_slice(b"Exif\0\0");
        with_exif.extend_from_slice(tiff);
        with_exif.extend_from_slice(&jpeg[2..]);
        with_exif
    }

    #[test]
    fn phone_photos_are_turned_upright_and_extreme_sizes_refused_before_decoding() {
        let dir = tempfile_dir("limits");
        let upright = store_upload(&sideways_jpeg(40, 20), &dir, "phone").unwrap();
        assert_eq!((upright.width, upright.height), (20, 40));
        assert!(matches!(
            store_upload(&png(MAX_SIDE + 1, 2), &dir, "wide"),
            Err(UploadError::TooManyPixels(12_001, 2))
        ));
        assert!(matches!(
            store_upload(&png(2, 50), &dir, "strip"),
            Err(UploadError::OddShape(2, 50))
        ));
        assert!(
            store_upload(&png(5, 100), &dir, "tall").is_ok(),
            "20:1 is allowed"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("gazette-media-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
