//! Standalone pages (About, Contact, …): written by editors with revisions, served at `/{slug}`,
//! listed in the pages sitemap, and linked from a footer menu that admins order.

use gazette::models::Role;

use crate::admin::newsroom;
use crate::crawlers::{json_ld, of_type};
use crate::support::{StaffSession, TestApp};

/// The editor form's fields for a page.
fn page_form<'a>(
    title: &'a str,
    slug: &'a str,
    body: &'a str,
    status: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("slug", slug),
        ("body", body),
        ("seo_title", ""),
        ("seo_description", ""),
        ("status", status),
        ("version", version),
    ]
}

/// The id in a `/admin/pages/{id}?saved=true` redirect.
fn saved_id(response: &crate::support::Response) -> i32 {
    assert_eq!(response.status, 303, "{}", response.body);
    let location = response.header("location").expect("a redirect");
    location
        .trim_start_matches("/admin/pages/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no page id in {location}"))
}

/// The version the editor form carries for page `id`.
fn version(staff: &StaffSession, id: i32) -> String {
    let editor = staff.get(&format!("/admin/pages/{id}"));
    assert_eq!(editor.status, 200);
    editor.attrs("input[name=version]", "value").remove(0)
}

fn publish(staff: &StaffSession, title: &str, slug: &str) -> i32 {
    saved_id(&staff.post(
        "/admin/pages",
        &page_form(title, slug, "Some words.", "published", ""),
    ))
}

#[test]
fn editors_write_pages_with_revisions_and_readers_see_only_published_ones() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("writer@example.com").get("/admin/pages").status,
        403
    );
    let editor = app.login("editor@example.com");
    let id = saved_id(&editor.post(
        "/admin/pages",
        &page_form(
            "About us",
            "about",
            "We are **a newsroom** on the coast.",
            "draft",
            "",
        ),
    ));
    assert_eq!(app.get("/about").status, 404, "a draft is not public");

    let first = version(&editor, id);
    let published = editor.post(
        &format!("/admin/pages/{id}"),
        &page_form(
            "About us",
            "about",
            "We are **an independent newsroom** on the coast.",
            "published",
            &first,
        ),
    );
    assert_eq!(saved_id(&published), id);
    let page = app.get("/about");
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("h1"), vec!["About us"]);
    assert!(
        page.body
            .contains("<strong>an independent newsroom</strong>")
    );
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        vec![format!("{}/about", app.base_url)]
    );
    let meta = page.attrs("meta[name=description]", "content");
    assert_eq!(meta, vec!["We are an independent newsroom on the coast."]);
    let documents = json_ld(&page);
    assert_eq!(of_type(&documents, "WebPage")["name"], "About us");
    let keys = page.header("surrogate-key").unwrap_or_default();
    assert!(keys.contains(&format!("page:{id}")), "{keys}");
    let sitemap = app.get("/sitemaps/pages.xml");
    assert!(
        sitemap
            .body
            .contains(&format!("{}/about</loc>", app.base_url))
    );

    // A save over a newer one comes back with what was typed, and changes nothing.
    let stale = editor.post(
        &format!("/admin/pages/{id}"),
        &page_form("About the paper", "about", "Lost?", "published", &first),
    );
    assert_eq!(stale.status, 422);
    assert!(stale.body.contains("Someone else saved this page"));
    assert_eq!(stale.attrs("#title", "value"), vec!["About the paper"]);
    assert_eq!(stale.texts("#body"), vec!["Lost?"]);
    assert_eq!(app.get("/about").texts("h1"), vec!["About us"]);

    // Every save is a revision, and an old one can be loaded back into the form.
    let editor_page = editor.get(&format!("/admin/pages/{id}"));
    assert_eq!(editor_page.texts("table tbody tr").len(), 2);
    let old = editor.get(&format!("/admin/pages/{id}?revision=1"));
    assert_eq!(
        old.texts("#body"),
        vec!["We are **a newsroom** on the coast."]
    );
    assert!(old.body.contains("The form holds revision 1."));

    // Deleted: gone at once, cache or not.
    let asked = editor.post(&format!("/admin/pages/{id}/delete"), &[]);
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Delete the page"), "{}", asked.body);
    assert_eq!(app.get("/about").status, 200, "asked, not done");
    let deleted = editor.post(
        &format!("/admin/pages/{id}/delete"),
        &[("confirmed", "yes")],
    );
    assert_eq!(deleted.status, 303);
    assert_eq!(app.get("/about").status, 404);
}

#[test]
fn a_page_may_not_take_an_address_the_site_uses() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    for taken in ["search", "admin", "section", "feed"] {
        let refused = editor.post(
            "/admin/pages",
            &page_form("Our search", taken, "Words.", "published", ""),
        );
        assert_eq!(refused.status, 422, "{taken}");
        assert!(
            refused
                .body
                .contains("is one of the site&#39;s own addresses"),
            "{taken}: {}",
            refused.body
        );
        assert_eq!(refused.attrs("#slug", "value"), vec![taken]);
    }
    publish(&editor, "Contact", "contact");
    let twice = editor.post(
        "/admin/pages",
        &page_form("Contact us", "contact", "Words.", "published", ""),
    );
    assert_eq!(twice.status, 422);
    assert!(
        twice
            .body
            .contains("Another page already uses the address /contact.")
    );
    // The site's own routes still answer as before.
    assert_eq!(app.get("/search?q=story").status, 200);
    assert_eq!(app.get("/feed.xml").status, 200);
}

fn footer_links(app: &TestApp, path: &str) -> Vec<String> {
    app.get(path).texts(".site-footer__pages a")
}

#[test]
fn admins_order_the_footer_menu_and_every_page_shows_it_at_once() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    app.add_staff("editor@example.com", Role::Editor);
    let admin = app.login("admin@example.com");
    let about = publish(&admin, "About us", "about");
    let privacy = publish(&admin, "Privacy", "privacy");
    let draft = saved_id(&admin.post(
        "/admin/pages",
        &page_form("Jobs", "jobs", "Soon.", "draft", ""),
    ));
    // Cached before the menu exists.
    assert!(footer_links(&app, "/").is_empty());
    assert!(footer_links(&app, "/article/existing-story").is_empty());

    let editor = app.login("editor@example.com");
    let place = |id: i32| format!("place-{id}");
    let (about_place, privacy_place, draft_place) = (place(about), place(privacy), place(draft));
    assert_eq!(
        editor
            .post("/admin/pages/menu", &[(&about_place, "1")])
            .status,
        403,
        "only admins order the menu"
    );
    let ordered = admin.post(
        "/admin/pages/menu",
        &[
            (&about_place, "2"),
            (&privacy_place, "1"),
            (&draft_place, "3"),
        ],
    );
    assert_eq!(ordered.status, 303, "{}", ordered.body);
    // The draft has a place but is not shown until published.
    assert_eq!(footer_links(&app, "/"), vec!["Privacy", "About us"]);
    assert_eq!(
        footer_links(&app, "/article/existing-story"),
        vec!["Privacy", "About us"]
    );

    // A renamed page is renamed in every footer.
    let renamed = admin.post(
        &format!("/admin/pages/{about}"),
        &page_form(
            "About the paper",
            "about",
            "Some words.",
            "published",
            &version(&admin, about),
        ),
    );
    assert_eq!(renamed.status, 303);
    assert_eq!(footer_links(&app, "/"), vec!["Privacy", "About the paper"]);

    // A place that is not a number comes back as typed.
    let bad = admin.post(
        "/admin/pages/menu",
        &[(&about_place, "first"), (&privacy_place, "1")],
    );
    assert_eq!(bad.status, 422);
    assert_eq!(
        bad.attrs(&format!("#{about_place}"), "value"),
        vec!["first"]
    );
    assert_eq!(footer_links(&app, "/"), vec!["Privacy", "About the paper"]);

    // Out of the menu: the footer drops it, the page stays.
    let out = admin.post(
        "/admin/pages/menu",
        &[(&about_place, "2"), (&privacy_place, "")],
    );
    assert_eq!(out.status, 303);
    assert_eq!(footer_links(&app, "/"), vec!["About the paper"]);
    assert_eq!(app.get("/privacy").status, 200);
}

#[test]
fn the_demo_newsroom_has_the_plain_pages_every_news_site_has() {
    let app = TestApp::with_demo();
    let home = app.get("/");
    assert_eq!(
        home.texts(".site-footer__pages a"),
        vec![
            "About the Gazette",
            "Contact the newsroom",
            "Corrections policy",
            "Privacy policy"
        ]
    );
    for path in home.attrs(".site-footer__pages a", "href") {
        let page = app.get(&path);
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.texts("main h1").len(), 1, "{path}");
        assert!(
            app.get("/sitemaps/pages.xml")
                .body
                .contains(&format!("{}{path}</loc>", app.base_url)),
            "{path} in the pages sitemap"
        );
    }
}
