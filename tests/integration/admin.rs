//! The admin panel: login and sessions, CSRF, throttling, the role matrix, the editorial
//! workflow (conflicts, revisions, scheduling) and sanitized output.

use chrono::TimeDelta;
use gazette::models::{Article, Role};

use crate::support::{Newsroom, TestApp, session_cookie};

fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        Newsroom::article(conn, "Existing story", &world, &[&ana], &["Climate"], 5);
    })
}

fn section_id(app: &TestApp) -> String {
    let mut conn = app.db();
    gazette::models::Section::find_by_slug(&mut conn, "world")
        .unwrap()
        .id
        .to_string()
}

fn article_form<'a>(
    section: &'a str,
    headline: &'a str,
    body: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("headline", headline),
        ("dek", "A standfirst."),
        ("body_markdown", body),
        ("section_id", section),
        ("authors", "ana-lima"),
        ("tags", "Climate, Oceans"),
        ("hero_image_url", "/static/img/demo/harbour.jpg"),
        ("hero_image_alt", "A harbour at dawn"),
        ("action", action),
    ]
}

fn created_id(response: &crate::support::Response) -> i32 {
    assert_eq!(response.status, 303, "{}", response.body);
    let location = response.header("location").unwrap();
    location
        .trim_start_matches("/admin/articles/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("article id in {location}"))
}

#[test]
fn login_rotates_the_session_and_logout_ends_it() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);

    let anonymous = app.get("/admin/articles?status=draft");
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.header("location"),
        Some("/admin/login?next=%2Fadmin%2Farticles%3Fstatus%3Ddraft")
    );
    let form = app.get("/admin/login");
    assert_eq!(form.status, 200);
    assert_eq!(form.header("cache-control"), Some("private, no-store"));

    let wrong = app.post_form(
        "/admin/login",
        &[],
        &[
            ("email", "editor@example.com"),
            ("password", "nope nope nope"),
        ],
    );
    let unknown = app.post_form(
        "/admin/login",
        &[],
        &[
            ("email", "nobody@example.com"),
            ("password", "nope nope nope"),
        ],
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(
        wrong.texts(".form-error"),
        unknown.texts(".form-error"),
        "the same message either way"
    );
    assert_eq!(
        wrong.attrs("#email", "value"),
        vec!["editor@example.com"],
        "email kept"
    );
    assert!(session_cookie(&wrong).is_none());

    let ok = app.post_form(
        "/admin/login",
        &[],
        &[
            ("email", "Editor@Example.com"),
            ("password", "correct horse battery"),
            ("next", "/admin/articles"),
        ],
    );
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), Some("/admin/articles"));
    let set_cookie = ok.header("set-cookie").unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/admin"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain-http base URL: {set_cookie}"
    );
    let first = session_cookie(&ok).unwrap();
    let dashboard = app.request(
        "GET",
        "/admin",
        &[("Cookie", &format!("gazette_session={first}"))],
    );
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Articles by status"));

    // A new login presenting the old cookie gets a new session; the old one stops working.
    let again = app.post_form(
        "/admin/login",
        &[("Cookie", &format!("gazette_session={first}"))],
        &[
            ("email", "editor@example.com"),
            ("password", "correct horse battery"),
        ],
    );
    let second = session_cookie(&again).unwrap();
    assert_ne!(first, second);
    let old = app.request(
        "GET",
        "/admin",
        &[("Cookie", &format!("gazette_session={first}"))],
    );
    assert_eq!(old.status, 303, "the old session id is dead");

    let session = crate::support::StaffSession {
        app: &app,
        cookie: second.clone(),
    };
    let out = session.post("/admin/logout", &[]);
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/admin/login"));
    let after = app.request(
        "GET",
        "/admin",
        &[("Cookie", &format!("gazette_session={second}"))],
    );
    assert_eq!(after.status, 303, "logout revokes the session");
}

#[test]
fn sessions_end_after_idle_time_and_on_password_change() {
    let app = newsroom();
    let user = app.add_staff("writer@example.com", Role::Writer);
    let session = app.login("writer@example.com");
    assert_eq!(session.get("/admin").status, 200);
    app.state.clock.advance(TimeDelta::hours(3));
    assert_eq!(session.get("/admin").status, 303, "idle timeout");

    let session = app.login("writer@example.com");
    let mut conn = app.db();
    gazette::accounts::change_password(
        &mut conn,
        &user,
        "another long password",
        crate::support::now(),
    )
    .unwrap();
    assert_eq!(
        session.get("/admin").status,
        303,
        "password change revokes sessions"
    );
}

#[test]
fn state_changing_requests_need_the_csrf_token_and_our_origin() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let session = app.login("editor@example.com");
    let cookie = format!("gazette_session={}", session.cookie);
    let section = section_id(&app);
    let form = article_form(&section, "Forged story", "Body.", "publish");

    let missing = app.post_form("/admin/articles", &[("Cookie", &cookie)], &form);
    assert!(
        matches!(missing.status, 400 | 403),
        "no token: {}",
        missing.status
    );
    let mut wrong = vec![("csrf_token", "0000")];
    wrong.extend_from_slice(&form);
    assert_eq!(
        app.post_form("/admin/articles", &[("Cookie", &cookie)], &wrong)
            .status,
        403
    );

    let token = session.csrf_token();
    let mut good = vec![("csrf_token", token.as_str())];
    good.extend_from_slice(&form);
    let foreign = app.post_form(
        "/admin/articles",
        &[("Cookie", &cookie), ("Origin", "https://evil.example")],
        &good,
    );
    assert_eq!(foreign.status, 403, "another site's origin");
    assert_eq!(
        app.get("/article/forged-story").status,
        404,
        "nothing was published"
    );

    let own = app.post_form(
        "/admin/articles",
        &[("Cookie", &cookie), ("Origin", &app.base_url)],
        &good,
    );
    assert_eq!(own.status, 303);
    assert_eq!(app.get("/article/forged-story").status, 200);
}

#[test]
fn repeated_failures_are_throttled_with_growing_waits() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let attempt = |password: &str| {
        app.post_form(
            "/admin/login",
            &[],
            &[("email", "editor@example.com"), ("password", password)],
        )
    };
    for _ in 0..6 {
        assert_eq!(attempt("wrong password!").status, 401);
    }
    let blocked = attempt("correct horse battery");
    assert_eq!(blocked.status, 429, "even the right password waits");
    assert!(blocked.body.contains("try again in"), "{}", blocked.body);
    let retry: i64 = blocked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "first wait is short: {retry}");

    app.state.clock.advance(TimeDelta::seconds(3));
    assert_eq!(attempt("wrong password!").status, 401);
    let longer: i64 = attempt("wrong password!")
        .header("retry-after")
        .unwrap()
        .parse()
        .unwrap();
    assert!(longer > retry, "the wait grows: {longer} after {retry}");

    app.state.clock.advance(TimeDelta::minutes(20));
    assert_eq!(
        attempt("correct horse battery").status,
        303,
        "nobody is locked out for good"
    );
}

#[test]
fn roles_decide_who_may_do_what() {
    let app = newsroom();
    for (email, role) in [
        ("writer@example.com", Role::Writer),
        ("editor@example.com", Role::Editor),
        ("admin@example.com", Role::Admin),
    ] {
        app.add_staff(email, role);
    }
    let section = section_id(&app);
    let existing = {
        let mut conn = app.db();
        Article::find_by_slug(&mut conn, "existing-story")
            .unwrap()
            .unwrap()
            .id
    };
    // (role, path, expected status for GET)
    let reads = [
        ("writer@example.com", "/admin", 200),
        ("writer@example.com", "/admin/articles", 200),
        ("writer@example.com", "/admin/audit", 403),
        (
            "writer@example.com",
            &format!("/admin/articles/{existing}") as &str,
            403,
        ),
        ("editor@example.com", "/admin/audit", 403),
        (
            "editor@example.com",
            &format!("/admin/articles/{existing}"),
            200,
        ),
        ("admin@example.com", "/admin/audit", 200),
        (
            "admin@example.com",
            &format!("/admin/articles/{existing}"),
            200,
        ),
    ];
    for (email, path, expected) in reads {
        let session = app.login(email);
        assert_eq!(session.get(path).status, expected, "{email} GET {path}");
    }

    let writer = app.login("writer@example.com");
    let published = writer.post(
        "/admin/articles",
        &article_form(&section, "Writer publishes", "Body.", "publish"),
    );
    assert_eq!(published.status, 403, "writers cannot publish");
    let draft_id = created_id(&writer.post(
        "/admin/articles",
        &article_form(&section, "Writer draft", "Body.", "save"),
    ));
    assert_eq!(
        writer.get(&format!("/admin/articles/{draft_id}")).status,
        200,
        "own draft"
    );
    let submitted = writer.post(
        &format!("/admin/articles/{draft_id}"),
        &[
            article_form(&section, "Writer draft", "Body.", "submit"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let edit_other = writer.post(
        &format!("/admin/articles/{existing}"),
        &[
            article_form(&section, "Hijacked", "Body.", "save"),
            vec![("base_revision", "0")],
        ]
        .concat(),
    );
    assert_eq!(edit_other.status, 403, "writers edit only their own");
    assert_eq!(
        app.get("/article/writer-draft").status,
        404,
        "in review is not public"
    );

    let editor = app.login("editor@example.com");
    let dashboard = editor.get("/admin");
    assert!(
        dashboard
            .texts("#review + ul a")
            .contains(&"Writer draft".to_string()),
        "review queue"
    );
    let publish = editor.post(
        &format!("/admin/articles/{draft_id}"),
        &[
            article_form(&section, "Writer draft", "Body.", "publish"),
            vec![("base_revision", "2")],
        ]
        .concat(),
    );
    assert_eq!(publish.status, 303, "{}", publish.body);
    assert_eq!(app.get("/article/writer-draft").status, 200);
    assert_eq!(
        writer.get(&format!("/admin/articles/{draft_id}")).status,
        403,
        "published: editors only"
    );

    let admin = app.login("admin@example.com");
    let audit = admin.get("/admin/audit");
    let actions = audit.texts("tbody td:nth-child(3)");
    for action in ["login", "article.published"] {
        assert!(
            actions.contains(&action.to_string()),
            "{action} in {actions:?}"
        );
    }
}

#[test]
fn a_stale_save_is_refused_as_a_conflict_and_keeps_the_users_text() {
    let app = newsroom();
    app.add_staff("a@example.com", Role::Editor);
    app.add_staff("b@example.com", Role::Editor);
    let section = section_id(&app);
    let a = app.login("a@example.com");
    let b = app.login("b@example.com");
    let id = created_id(&a.post(
        "/admin/articles",
        &article_form(&section, "Shared story", "First words.", "save"),
    ));
    let path = format!("/admin/articles/{id}");

    let b_save = b.post(
        &path,
        &[
            article_form(&section, "Shared story", "B's careful rewrite.", "save"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(b_save.status, 303);
    let a_save = a.post(
        &path,
        &[
            article_form(&section, "Shared story", "A's unsaved paragraph.", "save"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(a_save.status, 409);
    assert!(
        a_save.body.contains("A&#39;s unsaved paragraph.")
            || a_save.body.contains("A's unsaved paragraph."),
        "A's text is kept"
    );
    assert!(
        a_save.body.contains("careful rewrite"),
        "the other change is shown"
    );
    let mut conn = app.db();
    let article = Article::find(&mut conn, id).unwrap();
    assert_eq!(
        article.body_markdown, "B's careful rewrite.",
        "no silent overwrite"
    );
    assert_eq!(article.revision, 2);
}

#[test]
fn revisions_are_listed_compared_and_restored() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let section = section_id(&app);
    let editor = app.login("editor@example.com");
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Version one", "Original body.", "save"),
    ));
    let path = format!("/admin/articles/{id}");
    editor.post(
        &path,
        &[
            article_form(&section, "Version two", "Rewritten body.", "save"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );

    let list = editor.get(&format!("{path}/revisions"));
    assert_eq!(list.status, 200);
    assert_eq!(list.texts("tbody tr").len(), 2);
    let compare = editor.get(&format!("{path}/revisions/2"));
    assert!(
        compare
            .texts(".diff--removed")
            .iter()
            .any(|l| l.contains("Original body."))
    );
    assert!(
        compare
            .texts(".diff--added")
            .iter()
            .any(|l| l.contains("Rewritten body."))
    );

    let restored = editor.post(&format!("{path}/revisions/1/restore"), &[]);
    assert_eq!(restored.status, 303, "{}", restored.body);
    let mut conn = app.db();
    let article = Article::find(&mut conn, id).unwrap();
    assert_eq!(article.headline, "Version one");
    assert_eq!(article.body_markdown, "Original body.");
    assert_eq!(
        article.revision, 3,
        "restoring adds a revision; nothing is lost"
    );
}

#[test]
fn an_invalid_form_comes_back_with_everything_typed_and_a_message_per_field() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let response = editor.post(
        "/admin/articles",
        &[
            ("headline", ""),
            ("dek", "My standfirst"),
            ("body_markdown", "A long body I must not lose."),
            ("section_id", "9999"),
            ("authors", "nobody-at-all"),
            ("hero_image_url", "/static/img/demo/harbour.jpg"),
            ("hero_image_alt", ""),
            ("action", "save"),
        ],
    );
    assert_eq!(response.status, 422);
    assert_eq!(
        response.texts("#body_markdown"),
        vec!["A long body I must not lose."]
    );
    assert_eq!(response.texts("#dek"), vec!["My standfirst"]);
    assert_eq!(response.attrs("#authors", "value"), vec!["nobody-at-all"]);
    for field in ["headline", "section_id", "authors", "hero_image_alt"] {
        assert_eq!(
            response.attrs(&format!("#{field}"), "aria-invalid"),
            vec!["true"],
            "{field} marked"
        );
    }
    assert!(response.texts(".field-error").len() >= 4);
}

#[test]
fn a_scheduled_article_goes_live_at_its_time() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let at = (app.state.clock.now() + TimeDelta::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let mut form = article_form(
        &section,
        "Embargoed report",
        "Embargoed until noon.",
        "schedule",
    );
    form.push(("publish_at", &at));
    let id = created_id(&editor.post("/admin/articles", &form));
    assert_eq!(app.get("/article/embargoed-report").status, 404);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        app.get("/article/embargoed-report").status,
        404,
        "not before its time"
    );
    assert!(
        editor
            .get("/admin")
            .texts("#scheduled + ul a")
            .contains(&"Embargoed report".to_string())
    );

    app.state.clock.advance(TimeDelta::hours(2));
    let mut status = 0;
    for _ in 0..100 {
        status = app.get("/article/embargoed-report").status;
        if status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(status, 200, "published by the server's scheduler");
    assert!(app.get("/feed.xml").body.contains("Embargoed report"));
    let found = app.get("/search?q=embargoed");
    assert!(
        found
            .texts(".search-result__headline")
            .contains(&"Embargoed report".to_string())
    );
    let mut conn = app.db();
    assert!(Article::find(&mut conn, id).unwrap().is_published());
}

#[test]
fn hostile_markdown_is_sanitized_on_the_public_page() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let body = "Fine text.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))";
    created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Sanitized story", body, "publish"),
    ));
    let page = app.get("/article/sanitized-story");
    assert_eq!(page.status, 200);
    let html = page.html();
    let story = html
        .select(&scraper::Selector::parse(".story__body").unwrap())
        .next()
        .unwrap()
        .inner_html();
    assert!(story.contains("Fine text."));
    assert!(!story.contains("<script"), "{story}");
    assert!(!story.contains("onerror"), "{story}");
    assert!(!story.contains("javascript:"), "{story}");
}

#[test]
fn seo_overrides_replace_the_title_and_description_in_the_head() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let mut form = article_form(&section, "A long and winding headline", "Body.", "publish");
    form.push(("seo_title", "Short search title"));
    form.push(("seo_description", "What searchers should read."));
    created_id(&editor.post("/admin/articles", &form));
    let page = app.get("/article/a-long-and-winding-headline");
    assert_eq!(
        page.texts("title"),
        vec!["Short search title | The Gazette"]
    );
    assert_eq!(
        page.attrs("meta[name=description]", "content"),
        vec!["What searchers should read."]
    );
    assert_eq!(
        page.texts("h1"),
        vec!["A long and winding headline"],
        "the page keeps its headline"
    );
}

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
    assert_eq!(
        writer
            .upload("Huge", ("huge.png", "image/png", &too_big))
            .status,
        413
    );

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

#[test]
fn admins_manage_sections_without_orphaning_articles() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("editor@example.com")
            .get("/admin/sections")
            .status,
        403
    );
    let admin = app.login("admin@example.com");
    let created = admin.post(
        "/admin/sections",
        &[
            ("name", "Opinion"),
            ("description", "Views."),
            ("position", "7"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    assert!(
        app.get("/")
            .attrs(".section-nav a", "href")
            .contains(&"/section/opinion".to_string())
    );
    let duplicate = admin.post("/admin/sections", &[("name", "Opinion")]);
    assert_eq!(duplicate.status, 422);
    assert_eq!(duplicate.attrs("#name", "value"), vec!["Opinion"]);

    let (world, opinion) = {
        let mut conn = app.db();
        (
            gazette::models::Section::find_by_slug(&mut conn, "world")
                .unwrap()
                .id,
            gazette::models::Section::find_by_slug(&mut conn, "opinion")
                .unwrap()
                .id,
        )
    };
    let refused = admin.post(&format!("/admin/sections/{world}/delete"), &[]);
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("still has 1 articles"),
        "{}",
        refused.body
    );
    let moved = admin.post(
        &format!("/admin/sections/{world}/delete"),
        &[("move_to", &opinion.to_string())],
    );
    assert_eq!(moved.status, 303);
    assert_eq!(app.get("/section/world").status, 404);
    let story = app.get("/article/existing-story");
    assert_eq!(
        story.attrs(".story__header .kicker", "href"),
        vec!["/section/opinion"]
    );
}

#[test]
fn admins_manage_accounts_and_the_last_admin_stays() {
    let app = newsroom();
    let boss = app.add_staff("admin@example.com", Role::Admin);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("editor@example.com").get("/admin/users").status,
        403
    );
    let admin = app.login("admin@example.com");
    let created = admin.post(
        "/admin/users",
        &[
            ("email", "new@example.com"),
            ("name", "New Writer"),
            ("role", "writer"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let short = admin.post(
        "/admin/users",
        &[
            ("email", "x@example.com"),
            ("name", "X"),
            ("role", "writer"),
            ("password", "short"),
        ],
    );
    assert_eq!(short.status, 422);
    assert_eq!(
        short.attrs("#email", "value"),
        vec!["x@example.com"],
        "input kept, password not echoed"
    );
    assert!(short.attrs("#password", "value").is_empty());

    let writer_session = app.login("new@example.com");
    let writer_id = {
        let mut conn = app.db();
        gazette::models::User::find_by_email(&mut conn, "new@example.com")
            .unwrap()
            .unwrap()
            .id
    };
    let promoted = admin.post(&format!("/admin/users/{writer_id}"), &[("role", "editor")]);
    assert_eq!(promoted.status, 303);
    assert_eq!(
        writer_session.get("/admin").status,
        303,
        "a role change ends the sessions"
    );

    let demote_last = admin.post(&format!("/admin/users/{}", boss.id), &[("role", "editor")]);
    assert_eq!(demote_last.status, 409);
    let remove_last = admin.post(&format!("/admin/users/{}/delete", boss.id), &[]);
    assert_eq!(remove_last.status, 409);
    assert!(remove_last.body.contains("last admin"));
    let audit = admin.get("/admin/audit");
    assert!(
        audit
            .texts("tbody td:nth-child(3)")
            .contains(&"user.role".to_string())
    );
}

#[test]
fn editors_keep_authors_and_tags_tidy() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("writer@example.com").get("/admin/authors").status,
        403
    );
    let editor = app.login("editor@example.com");

    let created = editor.post(
        "/admin/authors",
        &[
            ("name", "Bea Kowalski"),
            ("job_title", "Data Reporter"),
            ("bio", "Counts things."),
            ("website_url", "https://bea.example"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let profile = app.get("/author/bea-kowalski");
    assert_eq!(profile.status, 200);
    assert_eq!(
        profile.attrs(".profile .link-row a", "href"),
        vec!["https://bea.example"]
    );
    let clash = editor.post(
        "/admin/authors",
        &[
            ("name", "Someone"),
            ("slug", "bea-kowalski"),
            ("website_url", "ftp://x"),
        ],
    );
    assert_eq!(clash.status, 422);
    assert!(
        clash.texts(".field-error").len() >= 2,
        "slug and link messages"
    );

    let ana = {
        let mut conn = app.db();
        gazette::models::Author::find_by_slug(&mut conn, "ana-lima")
            .unwrap()
            .id
    };
    let refused = editor.post(&format!("/admin/authors/{ana}/delete"), &[]);
    assert_eq!(refused.status, 409, "authors with bylines stay");

    let climate = {
        let mut conn = app.db();
        gazette::models::Tag::find_by_slug(&mut conn, "climate")
            .unwrap()
            .id
    };
    let renamed = editor.post(
        &format!("/admin/tags/{climate}"),
        &[("name", "Climate crisis"), ("slug", "")],
    );
    assert_eq!(renamed.status, 303);
    assert_eq!(app.get("/tag/climate-crisis").status, 200);
    assert!(
        app.get("/search?q=crisis")
            .texts(".search-result__headline")
            .contains(&"Existing story".to_string()),
        "re-indexed"
    );
    let deleted = editor.post(&format!("/admin/tags/{climate}/delete"), &[]);
    assert_eq!(deleted.status, 303);
    assert_eq!(app.get("/tag/climate-crisis").status, 404);
    assert!(
        app.get("/article/existing-story")
            .attrs(".tags a", "href")
            .is_empty()
    );
}

#[test]
fn the_role_matrix_for_every_admin_page() {
    let app = newsroom();
    for (email, role) in [
        ("writer@example.com", Role::Writer),
        ("editor@example.com", Role::Editor),
        ("admin@example.com", Role::Admin),
    ] {
        app.add_staff(email, role);
    }
    let existing = {
        let mut conn = app.db();
        Article::find_by_slug(&mut conn, "existing-story")
            .unwrap()
            .unwrap()
            .id
    };
    let edit = format!("/admin/articles/{existing}");
    let revisions = format!("/admin/articles/{existing}/revisions");
    // page → expected status for anonymous, writer, editor, admin
    let matrix: Vec<(&str, [u16; 4])> = vec![
        ("/admin", [303, 200, 200, 200]),
        ("/admin/articles", [303, 200, 200, 200]),
        ("/admin/articles/new", [303, 200, 200, 200]),
        (&edit, [303, 403, 200, 200]),
        (&revisions, [303, 403, 200, 200]),
        ("/admin/media", [303, 200, 200, 200]),
        ("/admin/authors", [303, 403, 200, 200]),
        ("/admin/tags", [303, 403, 200, 200]),
        ("/admin/sections", [303, 403, 403, 200]),
        ("/admin/users", [303, 403, 403, 200]),
        ("/admin/audit", [303, 403, 403, 200]),
    ];
    let sessions = [
        None,
        Some(app.login("writer@example.com")),
        Some(app.login("editor@example.com")),
        Some(app.login("admin@example.com")),
    ];
    for (path, expected) in &matrix {
        for (who, session) in sessions.iter().enumerate() {
            let status = match session {
                Some(session) => session.get(path).status,
                None => app.get(path).status,
            };
            assert_eq!(
                status,
                expected[who],
                "{} GET {path}",
                ["anonymous", "writer", "editor", "admin"][who]
            );
        }
    }
    // Every state-changing route refuses anonymous requests before reading them.
    for path in [
        "/admin/articles",
        &edit,
        "/admin/media",
        "/admin/sections",
        "/admin/users",
        "/admin/logout",
    ] {
        assert_eq!(
            app.post_form(path, &[], &[("csrf_token", "x")]).status,
            303,
            "anonymous POST {path}"
        );
    }
}

#[test]
fn a_published_article_is_not_sent_back_to_review() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Live story", "Body.", "publish"),
    ));
    let page = editor.get(&format!("/admin/articles/{id}"));
    assert!(
        page.attrs("button[value=submit]", "value").is_empty(),
        "no submit button on a live article"
    );
    let submitted = editor.post(
        &format!("/admin/articles/{id}"),
        &[
            article_form(&section, "Live story", "Body.", "submit"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(submitted.status, 422);
    assert_eq!(app.get("/article/live-story").status, 200, "still live");
}

#[test]
fn a_long_article_saves_in_one_piece() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let body = "A paragraph of a very long read, with enough words to matter. ".repeat(3_000);
    assert!(body.len() > 150_000);
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "The long read", &body, "save"),
    ));
    let mut conn = app.db();
    assert_eq!(Article::find(&mut conn, id).unwrap().body_markdown, body);
}

#[test]
fn the_session_cookie_is_secure_behind_https() {
    let app = TestApp::with_config(
        |_| {},
        |config| config.base_url = "https://news.example.com".into(),
    );
    app.add_staff("editor@example.com", Role::Editor);
    let response = app.post_form(
        "/admin/login",
        &[],
        &[
            ("email", "editor@example.com"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(response.status, 303);
    assert!(response.header("set-cookie").unwrap().contains("Secure"));
}

#[test]
fn hostile_admin_requests_get_clear_answers_never_server_errors() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    let admin = app.login("admin@example.com");
    let gets = [
        "/admin/articles?page=0",
        "/admin/articles?page=abc",
        "/admin/articles?section=abc&author=%FF&status=%27%20OR%201%3D1",
        "/admin/articles?q=%25%25%5F%5C",
        "/admin/articles/abc",
        "/admin/articles/999999",
        "/admin/articles/1/revisions/999",
        "/admin/articles/1/revisions/abc",
        "/admin/media?q=%27%22%3Cscript%3E",
        "/admin/sections?edit=999999",
        "/admin/authors?edit=abc",
        "/admin/audit?page=-1",
    ];
    for path in gets {
        let status = admin.get(path).status;
        assert!((200..500).contains(&status), "GET {path} answered {status}");
    }
    let posts: [(&str, &[(&str, &str)]); 6] = [
        (
            "/admin/articles/999999",
            &[("headline", "x"), ("action", "save")],
        ),
        ("/admin/articles/1/revisions/999/restore", &[]),
        (
            "/admin/articles",
            &[("headline", "x"), ("action", "explode")],
        ),
        ("/admin/sections/999999/delete", &[]),
        ("/admin/users/999999", &[("role", "admin")]),
        ("/admin/tags/999999", &[("name", "x")]),
    ];
    for (path, form) in posts {
        let status = admin.post(path, form).status;
        assert!(
            (300..500).contains(&status),
            "POST {path} answered {status}"
        );
    }
}

#[test]
fn autosaved_work_is_offered_back_and_still_checked_for_conflicts() {
    let app = newsroom();
    app.add_staff("a@example.com", Role::Editor);
    app.add_staff("b@example.com", Role::Editor);
    app.add_staff("writer@example.com", Role::Writer);
    let section = section_id(&app);
    let a = app.login("a@example.com");
    let b = app.login("b@example.com");
    let id = created_id(&a.post(
        "/admin/articles",
        &article_form(&section, "Draft in progress", "Saved words.", "save"),
    ));
    let path = format!("/admin/articles/{id}");
    let editor_page = a.get(&path);
    assert!(
        !editor_page
            .attrs("script[src^='/static/js/editor.js']", "src")
            .is_empty()
    );
    assert_eq!(
        editor_page.attrs("form.editor", "data-autosave"),
        vec![format!("{path}/autosave")]
    );

    let kept = a.post(
        &format!("{path}/autosave"),
        &[
            article_form(
                &section,
                "Draft in progress",
                "Unsaved words typed before the tab closed.",
                "save",
            ),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(kept.status, 204);
    let article = {
        let mut conn = app.db();
        Article::find(&mut conn, id).unwrap()
    };
    assert_eq!(
        article.body_markdown, "Saved words.",
        "autosave never touches the article"
    );

    assert!(
        b.get(&path)
            .attrs("a[href$='restore=1']", "href")
            .is_empty(),
        "only the author of the work sees it"
    );
    let offered = a.get(&path);
    assert_eq!(
        offered.attrs("a[href$='restore=1']", "href"),
        vec![format!("{path}?restore=1")]
    );
    let restored = a.get(&format!("{path}?restore=1"));
    assert_eq!(
        restored.texts("#body_markdown"),
        vec!["Unsaved words typed before the tab closed."]
    );
    assert_eq!(
        restored.attrs("input[name=base_revision]", "value"),
        vec!["1"]
    );

    // Someone else saves meanwhile: saving the restored work is a conflict, not an overwrite.
    assert_eq!(
        b.post(
            &path,
            &[
                article_form(&section, "Draft in progress", "B's words.", "save"),
                vec![("base_revision", "1")]
            ]
            .concat()
        )
        .status,
        303
    );
    let conflict = a.post(
        &path,
        &[
            article_form(
                &section,
                "Draft in progress",
                "Unsaved words typed before the tab closed.",
                "save",
            ),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(conflict.status, 409);
    let resolved = a.post(
        &path,
        &[
            article_form(&section, "Draft in progress", "Merged words.", "save"),
            vec![("base_revision", "2")],
        ]
        .concat(),
    );
    assert_eq!(resolved.status, 303);
    assert!(
        a.get(&path)
            .attrs("a[href$='restore=1']", "href")
            .is_empty(),
        "a real save clears the autosave"
    );

    let writer = app.login("writer@example.com");
    let foreign = writer.post(
        &format!("{path}/autosave"),
        &article_form(&section, "x", "y", "save"),
    );
    assert_eq!(foreign.status, 403, "autosave follows the edit rights");
}

#[test]
fn admin_page_titles_are_plain_text() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    for path in [
        "/admin",
        "/admin/articles",
        "/admin/articles/new",
        "/admin/articles/1",
        "/admin/media",
    ] {
        let title = editor.get(path).texts("title").remove(0);
        assert!(!title.contains('<'), "{path}: {title}");
        assert!(title.ends_with("| The Gazette"), "{path}: {title}");
    }
}
