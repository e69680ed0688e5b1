//! all-MiniLM-L6-v2 in process, on the CPU, with candle (Hugging Face's pure-Rust inference):
//! BERT over the WordPiece tokens, the mean of the token vectors under the attention mask,
//! scaled to length 1 — what sentence-transformers computes for this model. The weights are
//! read into memory once, on the first use (about 90 MB); inference runs on the blocking pool,
//! one batch at a time.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use candle_core::{Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use futures_util::future::BoxFuture;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use super::{EmbedError, Model};

/// The model's name as stored with its vectors.
pub const NAME: &str = "all-MiniLM-L6-v2";

/// Longest input in tokens (the model was trained on 256; longer text is cut).
const MAX_TOKENS: usize = 256;

/// Texts per forward pass (padding is per batch: long batches of short texts waste nothing).
const BATCH: usize = 16;

/// The files of the model's folder.
const FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// The loaded model.
pub struct Loaded {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

/// The model in a folder, loaded on first use.
pub struct Local {
    dir: PathBuf,
    loaded: Arc<OnceLock<Result<Loaded, String>>>,
    /// One forward pass at a time: each uses every core it is given.
    running: Arc<Mutex<()>>,
}

impl Local {
    /// The model of `dir`, whose files must be there (they are read on first use).
    pub fn open(dir: &Path) -> Result<Local, EmbedError> {
        for file in FILES {
            if !dir.join(file).is_file() {
                return Err(EmbedError::Load(format!(
                    "{} has no {file} (run scripts/fetch-embedding-model)",
                    dir.display()
                )));
            }
        }
        Ok(Local {
            dir: dir.to_owned(),
            loaded: Arc::new(OnceLock::new()),
            running: Arc::new(Mutex::new(())),
        })
    }

    /// Loads the model now (blocking): for benchmarks and tools that want it ready.
    pub fn load(dir: &Path) -> Result<Loaded, EmbedError> {
        Loaded::read(dir).map_err(EmbedError::Load)
    }
}

impl Loaded {
    fn read(dir: &Path) -> Result<Loaded, String> {
        let device = Device::Cpu;
        let config = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|err| format!("config.json: {err}"))?;
        let config: Config =
            serde_json::from_str(&config).map_err(|err| format!("config.json: {err}"))?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|err| format!("tokenizer.json: {err}"))?;
        // The shipped tokenizer pads and cuts every input to 128 tokens.
        tokenizer
            .with_padding(Some(PaddingParams {
                strategy: PaddingStrategy::BatchLongest,
                ..PaddingParams::default()
            }))
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|err| format!("tokenizer.json: {err}"))?;
        let weights = std::fs::read(dir.join("model.safetensors"))
            .map_err(|err| format!("model.safetensors: {err}"))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DTYPE, &device)
            .map_err(|err| format!("model.safetensors: {err}"))?;
        let model = BertModel::load(vb, &config).map_err(|err| format!("model: {err}"))?;
        Ok(Loaded {
            model,
            tokenizer,
            device,
        })
    }

    /// Unit vectors of `texts` (blocking).
    pub fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(BATCH) {
            out.extend(
                self.batch(batch)
                    .map_err(|err| EmbedError::Inference(err.to_string()))?,
            );
        }
        Ok(out)
    }

    fn batch(
        &self,
        texts: &[String],
    ) -> Result<Vec<Vec<f32>>, Box<dyn std::error::Error + Send + Sync>> {
        let encodings = self.tokenizer.encode_batch(texts.to_vec(), true)?;
        let (rows, width) = (encodings.len(), encodings.first().map_or(0, |e| e.len()));
        let mut ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        for encoding in &encodings {
            ids.extend_from_slice(encoding.get_ids());
            mask.extend_from_slice(encoding.get_attention_mask());
        }
        let input_ids = Tensor::from_vec(ids, (rows, width), &self.device)?;
        let attention_mask = Tensor::from_vec(mask, (rows, width), &self.device)?;
        let token_type_ids = input_ids.zeros_like()?;
        let hidden = self
            .model
            .forward(&input_ids, &token_type_ids, Some(&attention_mask))?;
        let mask = attention_mask.to_dtype(DTYPE)?.unsqueeze(2)?;
        let mean = hidden
            .broadcast_mul(&mask)?
            .sum(1)?
            .broadcast_div(&mask.sum(1)?.clamp(1e-9f32, f32::MAX)?)?;
        let norm = mean
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12f32, f32::MAX)?;
        Ok(mean.broadcast_div(&norm)?.to_vec2::<f32>()?)
    }
}

impl Model for Local {
    fn name(&self) -> &str {
        NAME
    }

    fn embed(&self, texts: Vec<String>) -> BoxFuture<'_, Result<Vec<Vec<f32>>, EmbedError>> {
        let dir = self.dir.clone();
        let loaded = self.loaded.clone();
        let running = self.running.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let model = match loaded.get_or_init(|| Loaded::read(&dir)) {
                    Ok(model) => model,
                    Err(reason) => return Err(EmbedError::Load(reason.clone())),
                };
                // One batch at a time, so that a search's query waits for one batch of a long
                // job, not for all of it.
                let mut out = Vec::with_capacity(texts.len());
                for batch in texts.chunks(BATCH) {
                    let _one_at_a_time = running.lock().unwrap_or_else(|p| p.into_inner());
                    out.extend(model.embed(batch)?);
                }
                Ok(out)
            })
            .await
            .map_err(|err| EmbedError::Inference(format!("the model's task ended: {err}")))?
        })
    }
}
