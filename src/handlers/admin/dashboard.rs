//! `/admin`: the dashboard.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::Staff;
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::state::AppState;
use crate::views::dashboard::{CHART_HEIGHT, CHART_WIDTH, Dashboard};

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardTemplate {
    pub layout: AdminLayout,
    pub dashboard: Dashboard,
    pub chart_width: i64,
    pub chart_height: i64,
}

pub async fn show(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AppError> {
    let today = state.clock.now().date();
    let dashboard = db::run(&state.pool, move |conn| Ok(Dashboard::load(conn, today)?)).await?;
    render_admin(
        &DashboardTemplate {
            layout: AdminLayout::new(&state, &staff, "dashboard"),
            dashboard,
            chart_width: CHART_WIDTH,
            chart_height: CHART_HEIGHT,
        },
        StatusCode::OK,
    )
}
