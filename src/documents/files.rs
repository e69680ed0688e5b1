//! `GET /files/<token>`: the download behind a résumé's `downloadUrl`. The token (see
//! `links`) is the authority; the file is opened with its tenant's key and sent as an
//! attachment with its type. Every failure that is the link's — expired, altered, another
//! server's, a file since deleted — is the same 404, so a link tells nothing once it is dead.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use secrecy::ExposeSecret as _;

use super::formats::media_type;
use super::links::{FileLink, LinkKey};
use super::resumes;
use crate::error::AppError;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/files/{token}", get(download))
        .with_state(state)
}

/// The signing key of download links.
pub fn link_key(state: &AppState) -> LinkKey {
    LinkKey::derive(state.config.jwt_secret.expose_secret())
}

/// A download link for résumé `file_id` of `tenant_id`, valid for the configured time:
/// a path on this server (`/files/<token>`).
pub fn download_path(state: &AppState, tenant_id: uuid::Uuid, file_id: uuid::Uuid) -> String {
    let ttl = i64::try_from(state.config.limits.file_link_ttl.as_secs()).unwrap_or(300);
    let token = link_key(state).sign(FileLink {
        tenant_id,
        file_id,
        expires_at: Utc::now().timestamp().saturating_add(ttl),
    });
    format!("/files/{token}")
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// `filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266, RFC 8187).
fn content_disposition(file_name: &str) -> HeaderValue {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

async fn download(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let client = crate::client_ip::client_ip(&state.config.trusted_proxies, peer.ip(), &headers);
    if let Err(AppError::RateLimited { retry_after_secs }) =
        state.rate_limits.check_ip(client, 1).await
    {
        let mut response = (StatusCode::TOO_MANY_REQUESTS, "too many requests").into_response();
        if let Ok(value) = retry_after_secs.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let Some(link) = link_key(&state).verify(&token, Utc::now()) else {
        return not_found();
    };
    match send(&state, link).await {
        Ok(Some(response)) => response,
        Ok(None) => not_found(),
        Err(err) => {
            tracing::error!(error = %err, "a file download failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the file could not be read",
            )
                .into_response()
        }
    }
}

async fn send(state: &AppState, link: FileLink) -> crate::error::Result<Option<Response>> {
    let Some(resume) = resumes::of_link(state, link.tenant_id, link.file_id).await? else {
        return Ok(None);
    };
    let keys =
        crate::crypto::load_tenant_keys(&state.db, &state.config.master_keys, link.tenant_id)
            .await?;
    let max = u64::try_from(state.config.limits.max_upload_bytes).unwrap_or(u64::MAX);
    let Some(bytes) = state
        .storage
        .get_sealed(&keys, &resume.object_key, max)
        .await?
    else {
        return Ok(None);
    };
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media_type(resume.format)),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(&resume.file_name),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // Never rendered as a page of this origin, whatever a browser makes of it.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(Some(response))
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn file_names_are_quoted_safely() {
        assert_eq!(
            content_disposition("CV Zoë \"2026\".pdf")
                .to_str()
                .expect("ascii"),
            "attachment; filename=\"CV Zo_ _2026_.pdf\"; filename*=UTF-8''CV%20Zo%C3%AB%20%222026%22.pdf"
        );
    }
}
