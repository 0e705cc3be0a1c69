//! JSON-LD for search engines: NewsArticle, BreadcrumbList, WebSite, ProfilePage and
//! CollectionPage documents, built as data (serde_json) and made safe for a `<script>` block.

use serde_json::{Value, json};

use crate::layout::SocialImage;
use crate::media::ImageVariant;

const CONTEXT: &str = "https://schema.org";
/// Google truncates longer NewsArticle headlines.
const MAX_HEADLINE_CHARS: usize = 110;

/// Serializes for a `<script type="application/ld+json">` element: `<` is escaped so no value
/// can close the script element, whatever an author typed.
pub fn script_safe(document: &Value) -> String {
    document
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Cuts a headline to the length search engines show, at a word boundary, with an ellipsis.
pub fn headline_for_search(headline: &str) -> String {
    if headline.chars().count() <= MAX_HEADLINE_CHARS {
        return headline.to_string();
    }
    let cut: String = headline.chars().take(MAX_HEADLINE_CHARS - 1).collect();
    let at_word = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

pub struct Person {
    pub name: String,
    pub url: String,
}

pub struct NewsArticle<'a> {
    pub url: &'a str,
    pub headline: &'a str,
    pub description: &'a str,
    /// The hero image in 16:9, 4:3 and 1:1 where available (else the site image's), with
    /// absolute URLs.
    pub images: Vec<ImageVariant>,
    pub date_published: String,
    pub date_modified: String,
    pub authors: Vec<Person>,
    pub section: &'a str,
    pub keywords: Vec<String>,
    pub word_count: i32,
}

pub struct Publisher<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub logo: SocialImage,
}

fn organization(publisher: &Publisher) -> Value {
    json!({
        "@type": "Organization",
        "name": publisher.name,
        "url": publisher.url,
        "logo": {
            "@type": "ImageObject",
            "url": publisher.logo.url,
            "width": publisher.logo.width,
            "height": publisher.logo.height,
        },
    })
}

pub fn news_article(article: &NewsArticle, publisher: &Publisher) -> Value {
    let authors: Vec<Value> = article
        .authors
        .iter()
        .map(|p| json!({ "@type": "Person", "name": p.name, "url": p.url }))
        .collect();
    json!({
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": headline_for_search(article.headline),
        "description": article.description,
        "image": article
            .images
            .iter()
            .map(|image| json!({
                "@type": "ImageObject",
                "url": image.url,
                "width": image.width,
                "height": image.height,
            }))
            .collect::<Vec<Value>>(),
        "datePublished": article.date_published,
        "dateModified": article.date_modified,
        "author": authors,
        "publisher": organization(publisher),
        "mainEntityOfPage": { "@type": "WebPage", "@id": article.url },
        "url": article.url,
        "articleSection": article.section,
        "keywords": article.keywords,
        "wordCount": article.word_count,
        "isAccessibleForFree": true,
    })
}

/// A trail of (name, absolute URL) pairs, home first.
pub fn breadcrumbs(trail: &[(&str, &str)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(index, (name, url))| {
            json!({ "@type": "ListItem", "position": index + 1, "name": name, "item": url })
        })
        .collect();
    json!({ "@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": items })
}

pub fn website(name: &str, base_url: &str, publisher: &Publisher) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "url": format!("{base_url}/"),
        "publisher": organization(publisher),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": format!("{base_url}/search?q={{search_term_string}}"),
            },
            "query-input": "required name=search_term_string",
        },
    })
}

pub struct Profile<'a> {
    pub url: &'a str,
    pub name: &'a str,
    pub job_title: &'a str,
    pub description: &'a str,
    pub image: String,
    pub same_as: Vec<String>,
}

pub fn profile_page(profile: &Profile) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "url": profile.url,
        "mainEntity": {
            "@type": "Person",
            "name": profile.name,
            "jobTitle": profile.job_title,
            "description": profile.description,
            "image": profile.image,
            "url": profile.url,
            "sameAs": profile.same_as,
        },
    })
}

/// A standalone page (About, Contact, …).
pub fn web_page(name: &str, description: &str, url: &str) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "WebPage",
        "name": name,
        "description": description,
        "url": url,
    })
}

pub fn collection_page(name: &str, description: &str, url: &str) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "url": url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_cannot_close_the_script_element() {
        let document = json!({ "headline": "</script><script>alert(1)</script>" });
        let safe = script_safe(&document);
        assert!(!safe.contains("</script"));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, document, "still the same JSON");
    }

    #[test]
    fn long_headlines_are_cut_at_a_word() {
        let long = "word ".repeat(40);
        let cut = headline_for_search(&long);
        assert!(cut.chars().count() <= 110, "{}", cut.chars().count());
        assert!(cut.ends_with("word…"));
        assert_eq!(headline_for_search("Short"), "Short");
    }
}
