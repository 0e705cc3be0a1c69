//! `/admin/articles/{id}/preview`: the article's page as readers will see it (layout, hero,
//! byline, related articles), drafts included, marked as a preview and `noindex`. It shows what
//! was last saved.

use actix_web::{HttpResponse, web};

use crate::auth::Staff;
use crate::db;
use crate::editorial::may_edit;
use crate::error::AppError;
use crate::handlers::public::article::render_preview;
use crate::models::Article;
use crate::state::AppState;
use crate::views::article_page::ArticlePage;

pub async fn preview(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let user = staff.user.clone();
    let page = db::run(&state.pool, move |conn| {
        let article = Article::find(conn, id)?;
        // Whoever may open it in the editor may preview it; published ones anyone may see.
        if !article.is_published() && !may_edit(conn, &user, &article)? {
            return Err(AppError::Forbidden);
        }
        Ok(ArticlePage::preview(conn, id, now)?)
    })
    .await?;
    render_preview(&state, page)
}
