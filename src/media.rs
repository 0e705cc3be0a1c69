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
