//! The site's time zone: times shown to readers and staff are in it with its abbreviation,
//! editors schedule in it, storage stays UTC, and summer time's skipped hour is refused.

use chrono::{NaiveDate, TimeDelta};
use gazette::dates::SiteZone;
use gazette::models::{Article, Role};

use crate::admin::{article_form, created_id, section_id};
use crate::support::{Newsroom, TestApp};

#[test]
fn scheduling_across_the_start_of_summer_time_in_brussels() {
    let app = TestApp::with_config(
        |conn| {
            let world = Newsroom::section(conn, "World", "world");
            let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
            Newsroom::article(conn, "Existing story", &world, &[&ana], &["Climate"], 5);
        },
        |config| config.time_zone = SiteZone::parse("Europe/Brussels").unwrap(),
    );
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let schedule = |at: &'static str| {
        let mut form = article_form(
            &section,
            "Clocks go forward",
            "An hour less sleep.",
            "schedule",
        );
        form.push(("publish_at", at));
        editor.post("/admin/articles", &form)
    };

    // Summer time begins on 28 March 2027 at 01:00 UTC: 02:00 to 03:00 never happens there.
    let skipped = schedule("2027-03-28T02:30");
    assert_eq!(skipped.status, 422);
    assert!(
        skipped.body.contains("does not exist in Europe/Brussels"),
        "{}",
        skipped.body
    );
    assert_eq!(skipped.attrs("#publish_at", "value"), ["2027-03-28T02:30"]);

    let id = created_id(&schedule("2027-03-28T03:30"));
    let stored = Article::find(&mut app.db(), id)
        .unwrap()
        .published_at
        .unwrap();
    let utc = NaiveDate::from_ymd_opt(2027, 3, 28)
        .unwrap()
        .and_hms_opt(1, 30, 0)
        .unwrap();
    assert_eq!(stored, utc, "stored in UTC");
    let form = editor.get(&format!("/admin/articles/{id}"));
    assert_eq!(
        form.attrs("#publish_at", "value"),
        ["2027-03-28T03:30"],
        "shown back as typed"
    );
    assert!(form.texts("label[for=publish_at]")[0].contains("Europe/Brussels time"));
    let list = editor.get("/admin/articles?status=scheduled");
    assert!(
        list.body.contains("28 March 2027, 03:30 CEST"),
        "{}",
        list.body
    );

    // In December the zone is CET: the existing story's header and feed entry say so.
    let winter = app.get("/article/existing-story");
    let label = winter.texts(".story__times time")[0].clone();
    assert!(label.ends_with("CET"), "{label}");
    let feed = app.get("/feed.xml");
    assert!(feed.body.contains("+0100</pubDate>"), "{}", feed.body);

    // The clock passes the change and the scheduled time: published, shown in summer time.
    let now = app.state.clock.now();
    app.state.clock.advance(utc - now + TimeDelta::minutes(5));
    let mut status = 0;
    for _ in 0..100 {
        status = app.get("/article/clocks-go-forward").status;
        if status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(status, 200, "published at its time");
    let page = app.get("/article/clocks-go-forward");
    assert_eq!(
        page.texts(".story__times time")[0],
        "28 March 2027, 03:30 CEST"
    );
    assert_eq!(
        page.attrs(".story__times time", "datetime")[0],
        "2027-03-28T01:30:00Z",
        "machines read UTC"
    );
    assert!(
        app.get("/feed.xml")
            .body
            .contains("Sun, 28 Mar 2027 03:30:00 +0200")
    );
}
