// @generated automatically by Diesel CLI.

diesel::table! {
    article_authors (article_id, author_id) {
        article_id -> Integer,
        author_id -> Integer,
        position -> Integer,
        listed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    article_autosaves (article_id, user_id) {
        article_id -> Integer,
        user_id -> Integer,
        form -> Text,
        base_revision -> Integer,
        saved_at -> Timestamp,
    }
}

diesel::table! {
    article_trash (article_id) {
        article_id -> Integer,
        trashed_at -> Timestamp,
        trashed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    article_bodies (article_id) {
        article_id -> Integer,
        body_markdown -> Text,
        body_html -> Text,
    }
}

diesel::table! {
    article_daily_views (article_id, day) {
        article_id -> Integer,
        day -> Date,
        views -> Integer,
    }
}

diesel::table! {
    article_pinned_related (article_id, related_id) {
        article_id -> Integer,
        related_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    article_search_content (rowid) {
        rowid -> Integer,
        headline -> Text,
        dek -> Text,
        body -> Text,
        tags -> Text,
        authors -> Text,
    }
}

diesel::table! {
    article_search_facets (rowid) {
        rowid -> Integer,
        section_id -> Integer,
        published_day -> Double,
    }
}

diesel::table! {
    article_related (article_id, related_id) {
        article_id -> Integer,
        related_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    article_slug_history (slug) {
        slug -> Text,
        article_id -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    article_tags (article_id, tag_id) {
        article_id -> Integer,
        tag_id -> Integer,
        listed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    articles (id) {
        id -> Integer,
        headline -> Text,
        slug -> Text,
        dek -> Text,
        word_count -> Integer,
        hero_image_url -> Nullable<Text>,
        hero_image_alt -> Text,
        hero_image_caption -> Text,
        hero_image_credit -> Text,
        hero_image_width -> Nullable<Integer>,
        hero_image_height -> Nullable<Integer>,
        section_id -> Integer,
        status -> Text,
        is_featured -> Bool,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        seo_title -> Text,
        seo_description -> Text,
        created_by -> Nullable<Integer>,
        revision -> Integer,
    }
}

diesel::table! {
    article_revisions (id) {
        id -> Integer,
        article_id -> Integer,
        number -> Integer,
        user_id -> Nullable<Integer>,
        headline -> Text,
        slug -> Text,
        dek -> Text,
        body_markdown -> Text,
        settings -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        user_id -> Nullable<Integer>,
        action -> Text,
        subject -> Text,
        detail -> Text,
        address -> Text,
    }
}

diesel::table! {
    authors (id) {
        id -> Integer,
        name -> Text,
        slug -> Text,
        job_title -> Text,
        bio -> Text,
        avatar_url -> Nullable<Text>,
        website_url -> Nullable<Text>,
        email -> Nullable<Text>,
        x_handle -> Nullable<Text>,
        mastodon_url -> Nullable<Text>,
        linkedin_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    media (id) {
        id -> Integer,
        stem -> Text,
        extension -> Text,
        original_name -> Text,
        width -> Integer,
        height -> Integer,
        bytes -> Integer,
        alt -> Text,
        credit -> Text,
        uploaded_by -> Nullable<Integer>,
        created_at -> Timestamp,
        caption -> Text,
    }
}

diesel::table! {
    search_vocabulary (term) {
        term -> Text,
        documents -> Integer,
    }
}

diesel::table! {
    pages (id) {
        id -> Integer,
        title -> Text,
        slug -> Text,
        body_markdown -> Text,
        body_html -> Text,
        seo_title -> Text,
        seo_description -> Text,
        status -> Text,
        menu_position -> Nullable<Integer>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    page_revisions (id) {
        id -> Integer,
        page_id -> Integer,
        number -> Integer,
        user_id -> Nullable<Integer>,
        title -> Text,
        slug -> Text,
        body_markdown -> Text,
        seo_title -> Text,
        seo_description -> Text,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    redirects (id) {
        id -> Integer,
        from_path -> Text,
        to_path -> Text,
        origin -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sections (id) {
        id -> Integer,
        name -> Text,
        slug -> Text,
        description -> Text,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    import_origins (source, kind, source_id) {
        source -> Text,
        kind -> Text,
        source_id -> Text,
        target_id -> Integer,
    }
}

diesel::table! {
    listing_dates (listing) {
        listing -> Text,
        last_modified -> Timestamp,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    sitemap_chunk_dates (chunk_size, number) {
        chunk_size -> BigInt,
        number -> BigInt,
        last_modified -> Timestamp,
    }
}

diesel::table! {
    tags (id) {
        id -> Integer,
        name -> Text,
        slug -> Text,
        description -> Text,
    }
}

diesel::joinable!(article_bodies -> articles (article_id));
diesel::joinable!(article_authors -> articles (article_id));
diesel::joinable!(article_authors -> authors (author_id));
diesel::joinable!(article_daily_views -> articles (article_id));
diesel::joinable!(article_slug_history -> articles (article_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_trash -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));
diesel::joinable!(article_revisions -> articles (article_id));
diesel::joinable!(audit_log -> users (user_id));
diesel::joinable!(article_revisions -> users (user_id));
diesel::joinable!(articles -> sections (section_id));
diesel::joinable!(page_revisions -> pages (page_id));
diesel::joinable!(page_revisions -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> authors (author_id));

diesel::allow_tables_to_appear_in_same_query!(
    article_trash,
    article_authors,
    article_bodies,
    article_autosaves,
    article_daily_views,
    article_pinned_related,
    article_related,
    article_revisions,
    article_search_content,
    article_search_facets,
    article_slug_history,
    article_tags,
    articles,
    audit_log,
    authors,
    import_origins,
    listing_dates,
    login_throttle,
    media,
    page_revisions,
    pages,
    redirects,
    search_vocabulary,
    sections,
    sessions,
    sitemap_chunk_dates,
    tags,
    users,
);

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        author_id -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        must_change_password -> Bool,
    }
}
