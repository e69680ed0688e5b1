//! An OpenAI-compatible embeddings endpoint (`POST {url}` with `{"model", "input": [...]}`,
//! answering `{"data": [{"embedding": [...], "index": n}]}`): OpenAI, Ollama, vLLM, text-
//! embeddings-inference, LocalAI. Its vectors must have [`super::DIMENSIONS`] dimensions; they
//! are scaled to length 1 here.

use std::time::Duration;

use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use super::{EmbedError, Model};

/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Remote {
    client: reqwest::Client,
    url: String,
    api_key: Option<SecretString>,
    model: String,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: &'a [String],
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Datum>,
}

#[derive(Deserialize)]
struct Datum {
    embedding: Vec<f32>,
    index: usize,
}

impl Remote {
    pub fn new(
        url: &str,
        api_key: Option<SecretString>,
        model: &str,
    ) -> Result<Remote, EmbedError> {
        let parsed = url::Url::parse(url)
            .map_err(|err| EmbedError::Remote(format!("TALENTGRAPH_EMBEDDINGS_URL: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(EmbedError::Remote(
                "TALENTGRAPH_EMBEDDINGS_URL must be http or https".to_owned(),
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|err| EmbedError::Remote(err.to_string()))?;
        Ok(Remote {
            client,
            url: url.to_owned(),
            api_key,
            model: model.to_owned(),
        })
    }
}

impl Model for Remote {
    fn name(&self) -> &str {
        &self.model
    }

    fn embed(&self, texts: Vec<String>) -> BoxFuture<'_, Result<Vec<Vec<f32>>, EmbedError>> {
        Box::pin(async move {
            let mut request = self.client.post(&self.url).json(&Request {
                model: &self.model,
                input: &texts,
            });
            if let Some(key) = &self.api_key {
                request = request.bearer_auth(key.expose_secret());
            }
            let response = request
                .send()
                .await
                .map_err(|err| EmbedError::Remote(err.without_url().to_string()))?;
            let status = response.status();
            if !status.is_success() {
                return Err(EmbedError::Remote(format!("answered {status}")));
            }
            let mut body: Response = response
                .json()
                .await
                .map_err(|err| EmbedError::Remote(format!("unexpected answer: {err}")))?;
            body.data.sort_by_key(|d| d.index);
            if body.data.len() != texts.len() {
                return Err(EmbedError::Remote(format!(
                    "{} vectors for {} texts",
                    body.data.len(),
                    texts.len()
                )));
            }
            Ok(body
                .data
                .into_iter()
                .map(|d| {
                    let mut v = d.embedding;
                    super::normalise(&mut v);
                    v
                })
                .collect())
        })
    }
}
