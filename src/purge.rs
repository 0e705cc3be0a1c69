//! Telling a CDN in front what to purge: after each committed change, the dependency tags it
//! dropped (the words our pages carry in `Surrogate-Key` and `Cache-Tag`) are POSTed to the
//! configured purge URL, one tag a line. Sent off the request path; a failure is logged, never
//! shown to the editor (our own cache is already correct).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::changes::Dependency;

/// The purge request's body: one tag a line; `*` when every page changed (the navigation).
pub fn body(dependencies: &BTreeSet<Dependency>) -> String {
    if dependencies.contains(&Dependency::Navigation) {
        return "*\n".to_string();
    }
    dependencies.iter().map(|d| format!("{d}\n")).collect()
}

/// Sends the tags to `url` in the background.
pub fn notify(url: String, dependencies: &BTreeSet<Dependency>) {
    let body = body(dependencies);
    let keys = body.trim().replace('\n', " ");
    std::thread::spawn(move || {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(10))
            .build();
        let sent = agent
            .post(&url)
            .set("content-type", "text/plain; charset=utf-8")
            .set("surrogate-key", &keys)
            .send_string(&body);
        if let Err(error) = sent {
            tracing::warn!(%error, url, "purge request failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_lists_one_tag_a_line_or_everything() {
        let some = BTreeSet::from([Dependency::Article(4), Dependency::Home]);
        assert_eq!(body(&some), "article:4\nhome\n");
        let all = BTreeSet::from([Dependency::Navigation, Dependency::Section(2)]);
        assert_eq!(body(&all), "*\n");
    }
}
