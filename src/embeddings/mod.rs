//! Sentence embeddings (plumbing: it names no domain): a text in, a unit vector out, so that
//! texts of similar meaning have a large dot product. Two sources behind one port:
//!
//! - in process, all-MiniLM-L6-v2 on the CPU with candle, from the folder
//!   `TALENTGRAPH_EMBEDDING_MODEL` names (`model.safetensors`, `tokenizer.json`, `config.json`;
//!   `scripts/fetch-embedding-model` puts them there) — [`local`];
//! - an OpenAI-compatible `/embeddings` endpoint (`TALENTGRAPH_EMBEDDINGS_URL`, with
//!   `TALENTGRAPH_EMBEDDINGS_API_KEY` and `TALENTGRAPH_EMBEDDINGS_MODEL`) for those who run a
//!   model server — [`remote`].
//!
//! Without either, search is by words only. [`VectorCache`] keeps each tenant's stored
//! vectors in memory for exact cosine search.

pub mod cache;
pub mod local;
pub mod remote;

use std::path::PathBuf;
use std::sync::Arc;

use futures_util::future::BoxFuture;

pub use cache::VectorCache;

/// Dimensions of all-MiniLM-L6-v2's vectors.
pub const DIMENSIONS: usize = 384;

/// Why texts could not be embedded.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("the embedding model could not be loaded: {0}")]
    Load(String),
    #[error("the embedding model failed: {0}")]
    Inference(String),
    #[error("the embeddings endpoint failed: {0}")]
    Remote(String),
}

/// A source of embeddings.
pub trait Model: Send + Sync + 'static {
    /// The model's name, stored with each vector (vectors of different models never mix).
    fn name(&self) -> &str;
    /// One unit vector per text, in order.
    fn embed(&self, texts: Vec<String>) -> BoxFuture<'_, Result<Vec<Vec<f32>>, EmbedError>>;
}

/// Where embeddings come from (`TALENTGRAPH_EMBEDDING_MODEL`, `TALENTGRAPH_EMBEDDINGS_*`).
#[derive(Debug, Clone, Default)]
pub struct EmbeddingsConfig {
    /// A folder with all-MiniLM-L6-v2's files.
    pub model_dir: Option<PathBuf>,
    /// An OpenAI-compatible embeddings endpoint (`…/v1/embeddings`).
    pub url: Option<String>,
    pub api_key: Option<secrecy::SecretString>,
    /// The model to ask the endpoint for.
    pub remote_model: String,
}

/// The configured source of embeddings; cheap to clone.
#[derive(Clone)]
pub struct Embedder(Arc<dyn Model>);

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Embedder").field(&self.0.name()).finish()
    }
}

impl Embedder {
    /// The source `config` names: the endpoint when given, else the local model when its
    /// folder holds the files; `None` (one log line says so) without either.
    pub fn from_config(config: &EmbeddingsConfig) -> Result<Option<Embedder>, EmbedError> {
        if let Some(url) = &config.url {
            let model = remote::Remote::new(url, config.api_key.clone(), &config.remote_model)?;
            tracing::info!(url = %url, model = %config.remote_model, "embeddings from an endpoint");
            return Ok(Some(Embedder(Arc::new(model))));
        }
        match &config.model_dir {
            Some(dir) => {
                let model = local::Local::open(dir)?;
                tracing::info!(dir = %dir.display(), "embeddings from the local model");
                Ok(Some(Embedder(Arc::new(model))))
            }
            None => {
                tracing::info!(
                    "no embedding model (TALENTGRAPH_EMBEDDING_MODEL, TALENTGRAPH_EMBEDDINGS_URL): \
                     search is by words only"
                );
                Ok(None)
            }
        }
    }

    pub fn new(model: impl Model) -> Embedder {
        Embedder(Arc::new(model))
    }

    pub fn name(&self) -> &str {
        self.0.name()
    }

    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let expected = texts.len();
        let vectors = self.0.embed(texts).await?;
        if vectors.len() != expected || vectors.iter().any(|v| v.len() != DIMENSIONS) {
            return Err(EmbedError::Inference(format!(
                "expected {expected} vectors of {DIMENSIONS} dimensions"
            )));
        }
        Ok(vectors)
    }
}

/// `v` scaled to length 1 (a zero vector stays zero).
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// A vector as stored: little-endian `f32`s.
pub fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector; `None` when it is not one of [`DIMENSIONS`].
pub fn from_bytes(bytes: &[u8]) -> Option<Vec<f32>> {
    if bytes.len() != DIMENSIONS * 4 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

/// The dot product (the cosine of unit vectors).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight running sums: the compiler keeps them in one SIMD register (a single sum must be
    // added in order, one lane at a time). The search's scan of every vector is this loop.
    let mut lanes = [0.0f32; 8];
    let (xs, ys) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = xs
        .remainder()
        .iter()
        .zip(ys.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in xs.zip(ys) {
        for ((lane, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *lane += x * y;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// `text` in passages of at most `max_words` words, cut at line and sentence ends where
/// possible: what one vector stands for.
pub fn chunks(text: &str, max_words: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let sentences = text
        .split(['\n', '\r'])
        .flat_map(|line| line.split_inclusive(". "))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    for sentence in sentences {
        let words: Vec<&str> = sentence.split_whitespace().collect();
        if !current.is_empty() && current.len() + words.len() > max_words {
            out.push(current.join(" "));
            current.clear();
        }
        for piece in words.chunks(max_words) {
            if current.len() + piece.len() > max_words {
                out.push(current.join(" "));
                current.clear();
            }
            current.extend_from_slice(piece);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_products_sum_every_dimension() {
        for n in [0, 3, 8, 13, 384] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            let naive: f64 = a.iter().zip(&b).map(|(x, y)| f64::from(x * y)).sum();
            assert!((f64::from(dot(&a, &b)) - naive).abs() < 1e-4, "{n}");
        }
    }

    #[test]
    fn vectors_round_trip_through_bytes() {
        let mut v: Vec<f32> = (0..DIMENSIONS).map(|i| i as f32).collect();
        normalise(&mut v);
        assert_eq!(from_bytes(&to_bytes(&v)), Some(v.clone()));
        assert!((dot(&v, &v) - 1.0).abs() < 1e-5);
        assert_eq!(from_bytes(&[0; 12]), None);
    }

    #[test]
    fn chunks_keep_sentences_together_within_the_bound() {
        let text = "One two three. Four five six.\nSeven eight\n\nnine ten eleven twelve";
        assert_eq!(
            chunks(text, 6),
            [
                "One two three. Four five six.",
                "Seven eight nine ten eleven twelve"
            ]
        );
        let long = "w ".repeat(25);
        let parts = chunks(&long, 10);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.split_whitespace().count() <= 10));
        assert!(chunks("  \n ", 10).is_empty());
    }
}
