//! The media library: uploads decoded, re-encoded, resized and reused.

use gazette::models::Role;

use super::{article_form, created_id, newsroom, section_id};

fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn uploads_are_decoded_re_encoded_resized_and_reusable() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("editor@example.com", Role::Editor);
    let writer = app.login("writer@example.com");

    // A file that only claims to be a JPEG.
    let fake = writer.upload(
        "Not really a photo",
        (
            "holiday.jpg",
            "image/jpeg",
            b"<?php echo 'hi'; ?> not an image",
        ),
    );
    assert_eq!(fake.status, 422);
    assert!(
        fake.body.contains("not an image we can read"),
        "{}",
        fake.body
    );
    assert_eq!(
        fake.attrs("#alt", "value"),
        vec!["Not really a photo"],
        "input kept"
    );

    let too_big = vec![0u8; 10 * 1024 * 1024 + 10];
    let refused = writer.upload("Huge", ("huge.png", "image/png", &too_big));
    assert_eq!(refused.status, 413);
    assert!(
        refused.body.contains("larger than 10 MB"),
        "a page that says why: {}",
        refused.body
    );

    // Pictures whose header claims an extreme size or shape are refused before decoding.
    for (width, height, says) in [
        (12_001, 2, "12,000 pixels a side"),
        (2, 50, "long and thin"),
    ] {
        let odd = writer.upload(
            "A strange picture",
            ("odd.png", "image/png", &png_bytes(width, height)),
        );
        assert_eq!(odd.status, 422, "{width} × {height}");
        assert!(odd.body.contains(says), "{}", odd.body);
        assert_eq!(odd.attrs("#alt", "value"), vec!["A strange picture"]);
    }

    let no_alt = writer.upload("", ("photo.png", "image/png", &png_bytes(640, 360)));
    assert_eq!(no_alt.status, 422);

    // A real image, with a misleading name and type: decided by its content.
    let done = writer.upload(
        "Harbour cranes at dawn",
        ("cranes.gif", "text/plain", &png_bytes(2400, 1350)),
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let library = writer.get("/admin/media?q=cranes");
    let url = library.texts(".media-grid code").remove(0);
    assert!(url.starts_with("/media/") && url.ends_with(".jpg"), "{url}");
    let image = app.get(&url);
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/jpeg"));
    assert!(image.header("cache-control").unwrap().contains("immutable"));
    let stem = url.trim_end_matches(".jpg");
    for suffix in ["-480w.jpg", "-960w.jpg", "-4x3.jpg", "-1x1.jpg"] {
        assert_eq!(app.get(&format!("{stem}{suffix}")).status, 200, "{suffix}");
    }
    assert!(
        writer
            .get("/admin/media?q=nothing-like-this")
            .texts(".media-grid code")
            .is_empty()
    );

    // Reused as a hero image: width, height and srcset on the public page.
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let mut form = article_form(&section, "Cranes story", "Body.", "publish");
    form.retain(|(name, _)| *name != "hero_image_url");
    form.push(("hero_image_url", &url));
    created_id(&editor.post("/admin/articles", &form));
    let page = app.get("/article/cranes-story");
    assert_eq!(page.attrs(".story__hero img", "width"), vec!["1600"]);
    assert_eq!(page.attrs(".story__hero img", "height"), vec!["900"]);
    let srcset = page.attrs(".story__hero img", "srcset").remove(0);
    assert!(
        srcset.contains("-480w.jpg 480w") && srcset.contains("1600w"),
        "{srcset}"
    );
    assert!(!page.attrs(".story__hero img", "sizes").is_empty());
}
