//! `/admin/tags`: editors rename and remove topics. A renamed or deleted tag changes its
//! articles' search entries in the same transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Editor, Protected};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::models::{Tag, audit};
use crate::schema::{article_tags, tags};
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TagForm {
    csrf_token: String,
    pub name: String,
    pub slug: String,
}

impl CsrfProtected for TagForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template)]
#[template(path = "admin/tags.html")]
pub struct TagsTemplate {
    pub layout: AdminLayout,
    pub tags: Vec<(Tag, i64)>,
    pub problem: Option<String>,
}

async fn tags_page(
    state: &AppState,
    editor: &Editor,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let tags = db::run(&state.pool, |conn| {
        let counts: Vec<(i32, i64)> = article_tags::table
            .group_by(article_tags::tag_id)
            .select((article_tags::tag_id, count_star()))
            .load(conn)?;
        let all: Vec<Tag> = tags::table
            .order(tags::name)
            .select(Tag::as_select())
            .load(conn)?;
        Ok(all
            .into_iter()
            .map(|t| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == t.id)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                (t, n)
            })
            .collect::<Vec<_>>())
    })
    .await?;
    render_admin(
        &TagsTemplate {
            layout: AdminLayout::new(state, &editor.0, "tags"),
            tags,
            problem,
        },
        status,
    )
}

pub async fn list(state: web::Data<AppState>, editor: Editor) -> Result<HttpResponse, AppError> {
    tags_page(&state, &editor, None, StatusCode::OK).await
}

/// Renames a tag (and its address); its articles are re-indexed under the new name.
pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<TagForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let outcome = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            let name = form.name.trim();
            let slug = slug::slugify(if form.slug.trim().is_empty() {
                name
            } else {
                form.slug.trim()
            });
            if name.is_empty() || slug.is_empty() {
                return Ok(Err("A tag needs a name.".to_string()));
            }
            let taken: Option<i32> = tags::table
                .filter(tags::slug.eq(&slug))
                .select(tags::id)
                .first(conn)
                .optional()?;
            if taken.is_some_and(|other| other != id) {
                return Ok(Err(format!("Another tag already uses /tag/{slug}.")));
            }
            diesel::update(tags::table.find(id))
                .set((tags::name.eq(name), tags::slug.eq(&slug)))
                .execute(conn)?;
            let tagged: Vec<i32> = article_tags::table
                .filter(article_tags::tag_id.eq(id))
                .select(article_tags::article_id)
                .load(conn)?;
            for article_id in tagged {
                crate::search::index_article(conn, article_id)?;
            }
            Ok::<_, AppError>(Ok(()))
        })
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/tags")),
        Err(message) => {
            tags_page(
                &state,
                &editor,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    _form: Protected<TagForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let user_id = editor.0.user.id;
    db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            let tag = Tag::find(conn, id)?;
            let tagged: Vec<i32> = article_tags::table
                .filter(article_tags::tag_id.eq(id))
                .select(article_tags::article_id)
                .load(conn)?;
            diesel::delete(tags::table.find(id)).execute(conn)?;
            for article_id in tagged {
                crate::search::index_article(conn, article_id)?;
            }
            audit::record(
                conn,
                now,
                Some(user_id),
                "tag.delete",
                &tag.slug,
                &tag.name,
                "",
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Ok(see_other("/admin/tags"))
}
