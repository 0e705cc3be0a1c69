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

/// The id in an item link of the library (`/admin/media/{id}`).
fn item_ids(library: &crate::support::Response) -> Vec<String> {
    library
        .attrs(".media-grid a", "href")
        .into_iter()
        .map(|href| href.trim_start_matches("/admin/media/").to_string())
        .collect()
}

#[test]
fn images_are_described_after_upload_and_deleted_only_when_unused() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("other@example.com", Role::Writer);
    app.add_staff("editor@example.com", Role::Editor);
    let writer = app.login("writer@example.com");
    let other = app.login("other@example.com");
    let editor = app.login("editor@example.com");
    for alt in ["Gulls over the pier", "The old lighthouse"] {
        let done = writer.upload(alt, ("photo.png", "image/png", &png_bytes(800, 450)));
        assert_eq!(done.status, 303, "{}", done.body);
    }
    let library = writer.get("/admin/media");
    let ids = item_ids(&library);
    let (lighthouse, gulls) = (&ids[0], &ids[1]);
    let gulls_page = format!("/admin/media/{gulls}");
    let lighthouse_url = writer
        .get(&format!("/admin/media/{lighthouse}"))
        .texts(".media-item code")[0]
        .clone();

    // Described again by its uploader; refused to another writer; bad input comes back.
    let described = writer.post(
        &gulls_page,
        &[
            ("alt", "Herring gulls over the pier at dusk"),
            ("caption", "The pier before the storm."),
            ("credit", "Ana Lima"),
        ],
    );
    assert_eq!(described.status, 303);
    let page = writer.get(described.header("location").unwrap());
    assert!(page.body.contains("Description saved."));
    assert_eq!(
        page.attrs("#caption", "value"),
        ["The pier before the storm."]
    );
    assert!(
        writer
            .get("/admin/media?q=Before+The+STORM")
            .body
            .contains("Herring gulls"),
        "the caption is searchable"
    );
    assert_eq!(other.post(&gulls_page, &[("alt", "Mine now")]).status, 403);
    let empty = writer.post(&gulls_page, &[("alt", " "), ("caption", "Kept caption")]);
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.attrs("#caption", "value"),
        ["Kept caption"],
        "input kept"
    );

    // In use as a hero image: it says where, and stays.
    let section = section_id(&app);
    let mut form = article_form(&section, "Lighthouse reopens", "Body.", "save");
    form.retain(|(name, _)| *name != "hero_image_url");
    form.push(("hero_image_url", &lighthouse_url));
    let article = created_id(&editor.post("/admin/articles", &form));
    let in_use = editor.post(
        &format!("/admin/media/{lighthouse}/delete"),
        &[("confirmed", "yes")],
    );
    assert_eq!(in_use.status, 409);
    assert_eq!(in_use.texts(".media-uses a"), ["Lighthouse reopens"]);
    assert_eq!(
        in_use.attrs(".media-uses a", "href"),
        [format!("/admin/articles/{article}")]
    );
    assert_eq!(app.get(&lighthouse_url).status, 200);

    // Unused: asked first, then deleted with its files.
    let gulls_url = writer.get(&gulls_page).texts(".media-item code")[0].clone();
    assert_eq!(
        other
            .post(&format!("{gulls_page}/delete"), &[("confirmed", "yes")])
            .status,
        403,
        "not another writer's"
    );
    let asked = writer.post(&format!("{gulls_page}/delete"), &[]);
    assert_eq!(asked.status, 200);
    assert_eq!(
        asked.texts(".confirm button"),
        ["Delete image Herring gulls over the pier at dusk"]
    );
    assert_eq!(app.get(&gulls_url).status, 200, "asked, not done");
    let deleted = writer.post(&format!("{gulls_page}/delete"), &[("confirmed", "yes")]);
    assert_eq!(deleted.status, 303);
    assert_eq!(writer.get(&gulls_page).status, 404);
    assert_eq!(app.get(&gulls_url).status, 404, "the file is gone");
    let thumbnail = gulls_url.replace(".jpg", "-480w.jpg");
    assert_eq!(app.get(&thumbnail).status, 404, "and its copies");
}

#[test]
fn the_library_pages_past_its_first_screen() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    {
        use gazette::models::media_item::{MediaItem, NewMediaItem};
        let mut conn = app.db();
        for n in 0..23 {
            MediaItem::insert(
                &mut conn,
                &NewMediaItem {
                    stem: &format!("stock-{n:02}"),
                    extension: "jpg",
                    original_name: "stock.jpg",
                    width: 800,
                    height: 450,
                    bytes: 1000,
                    alt: &format!("Stock picture {n:02}"),
                    credit: "",
                    uploaded_by: None,
                    created_at: crate::support::now() + chrono::TimeDelta::minutes(n),
                    caption: "",
                },
            )
            .unwrap();
        }
    }
    let first = editor.get("/admin/media");
    assert_eq!(item_ids(&first).len(), 20);
    assert!(first.body.contains("23 images, page 1 of 2"));
    let second = editor.get("/admin/media?page=2");
    assert_eq!(
        second.texts(".media-grid strong"),
        ["Stock picture 02", "Stock picture 01", "Stock picture 00"]
    );
    assert_eq!(editor.get("/admin/media?page=3").status, 404);
    assert_eq!(editor.get("/admin/media?page=x").status, 400);
}
