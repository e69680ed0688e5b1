//! Where untrusted files are parsed. PDF and DOCX parsers can be made to recurse without end
//! (a form XObject that draws itself, tables in tables) or to inflate a small file into
//! gigabytes; a stack overflow aborts a process, and `catch_unwind` cannot stop it. So the
//! server parses in a child process — its own binary, `talentgraph read-document` — under
//! `prlimit` (address space and CPU time) and a wall-clock bound: a hostile file kills the
//! child, never the server. In process only where no binary is configured (library use,
//! benchmarks).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use entity::ResumeFormat;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::formats::{self, ArchiveBounds};
use crate::error::{AppError, Result};

/// How files are parsed.
#[derive(Debug, Clone, Default)]
pub enum Reader {
    /// In this process (off the async runtime, panics caught; a stack overflow is not).
    #[default]
    InProcess,
    /// In a child process of `program` (the server's own binary), bounded.
    Child(ChildLimits),
}

#[derive(Debug, Clone)]
pub struct ChildLimits {
    pub program: PathBuf,
    /// Address space of the child (`prlimit --as`).
    pub memory_bytes: u64,
    /// CPU time of the child (`prlimit --cpu`).
    pub cpu_seconds: u64,
    /// Wall-clock time before the child is killed.
    pub timeout: Duration,
}

impl ChildLimits {
    pub fn new(program: PathBuf) -> Self {
        ChildLimits {
            program,
            memory_bytes: 2 * 1024 * 1024 * 1024,
            cpu_seconds: 30,
            timeout: Duration::from_secs(40),
        }
    }
}

/// What `read-document` prints: one JSON object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Answer {
    /// The format (`--check`) or the text.
    Ok(String),
    /// Why the file is refused, for a person.
    Refused(String),
}

/// The most text the parent reads back from a child (bytes of JSON).
const MAX_ANSWER: u64 = 8 * 1024 * 1024;

/// `talentgraph read-document [--format F]`: reads a file on standard input, prints an
/// [`Answer`] on standard output — the format it has (without `--format`), or its text.
pub fn read_document(format: Option<ResumeFormat>) -> std::io::Result<()> {
    use std::io::{Read as _, Write as _};
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    let answer = match format {
        None => match formats::detect(&bytes, ArchiveBounds::default()) {
            Ok(format) => Answer::Ok(format_name(format).to_owned()),
            Err(AppError::InvalidInput(fields)) => Answer::Refused(
                fields
                    .into_iter()
                    .next()
                    .map(|(_, message)| message)
                    .unwrap_or_else(|| "is not a readable document".to_owned()),
            ),
            Err(_) => Answer::Refused("is not a readable document".to_owned()),
        },
        Some(format) => match super::extract::text_of(format, &bytes) {
            Ok(text) => Answer::Ok(text),
            Err(reason) => Answer::Refused(reason),
        },
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &answer)?;
    out.flush()
}

pub fn format_name(format: ResumeFormat) -> &'static str {
    match format {
        ResumeFormat::Pdf => "PDF",
        ResumeFormat::Docx => "DOCX",
        ResumeFormat::Text => "TEXT",
    }
}

pub fn parse_format(name: &str) -> Option<ResumeFormat> {
    match name {
        "PDF" => Some(ResumeFormat::Pdf),
        "DOCX" => Some(ResumeFormat::Docx),
        "TEXT" => Some(ResumeFormat::Text),
        _ => None,
    }
}

/// How a child's parse ended.
enum Ended {
    Answered(Answer),
    /// Killed, crashed, out of memory or time: the file did it.
    Died(String),
}

impl Reader {
    /// The reader the configuration names (`Config::document_reader`).
    pub fn of(config: &crate::config::Config) -> Reader {
        match &config.document_reader {
            Some(program) => Reader::Child(ChildLimits::new(program.clone())),
            None => Reader::InProcess,
        }
    }

    /// The format of an uploaded file; refusals are `BAD_USER_INPUT` on `file`.
    pub async fn detect(&self, bytes: Vec<u8>) -> Result<(Vec<u8>, ResumeFormat)> {
        let child = match self {
            Reader::InProcess => {
                return tokio::task::spawn_blocking(move || {
                    let format = std::panic::catch_unwind(|| {
                        formats::detect(&bytes, ArchiveBounds::default())
                    })
                    .unwrap_or_else(|_| {
                        Err(AppError::invalid("file", "is not a readable document"))
                    });
                    format.map(|f| (bytes, f))
                })
                .await
                .map_err(|err| AppError::internal(format!("file check did not finish: {err}")))?;
            }
            Reader::Child(limits) => limits,
        };
        let (bytes, ended) = run(child, &["read-document"], bytes).await?;
        match ended {
            Ended::Answered(Answer::Ok(name)) => parse_format(&name)
                .map(|format| (bytes, format))
                .ok_or_else(|| AppError::internal("document reader answered an unknown format")),
            Ended::Answered(Answer::Refused(message)) => Err(AppError::invalid("file", message)),
            Ended::Died(why) => {
                tracing::warn!(reason = %why, "a file's check killed its reader");
                Err(AppError::invalid("file", "is not a readable document"))
            }
        }
    }

    /// The text of a checked file; `Err` says, for a person, why it could not be read.
    pub async fn text(
        &self,
        format: ResumeFormat,
        bytes: Vec<u8>,
    ) -> Result<std::result::Result<String, String>> {
        let child = match self {
            Reader::InProcess => return Ok(super::extract::read_text(format, bytes).await),
            Reader::Child(limits) => limits,
        };
        let (_, ended) = run(
            child,
            &["read-document", "--format", format_name(format)],
            bytes,
        )
        .await?;
        Ok(match ended {
            Ended::Answered(Answer::Ok(text)) => Ok(super::extract::tidy(&text)),
            Ended::Answered(Answer::Refused(reason)) => Err(reason),
            Ended::Died(why) => {
                tracing::warn!(reason = %why, "a file's reading killed its reader");
                Err("the file could not be read (its reader was stopped)".to_owned())
            }
        })
    }
}

/// Runs the reader on `bytes` under the limits; gives the bytes back.
async fn run(limits: &ChildLimits, args: &[&str], bytes: Vec<u8>) -> Result<(Vec<u8>, Ended)> {
    let mut command = tokio::process::Command::new("prlimit");
    command
        .arg(format!("--as={}", limits.memory_bytes))
        .arg(format!("--cpu={}", limits.cpu_seconds))
        .arg("--")
        .arg(&limits.program)
        .args(args);
    let child = match spawn(&mut command) {
        Ok(child) => child,
        // No prlimit (not Linux): the child still keeps a crash away from the server.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let mut bare = tokio::process::Command::new(&limits.program);
            bare.args(args);
            spawn(&mut bare).map_err(|err| AppError::internal(format!("document reader: {err}")))?
        }
        Err(err) => return Err(AppError::internal(format!("document reader: {err}"))),
    };
    match tokio::time::timeout(limits.timeout, converse(child, bytes)).await {
        Ok(result) => result,
        // The child is killed on drop.
        Err(_) => Ok((
            Vec::new(),
            Ended::Died(format!("no answer within {} s", limits.timeout.as_secs())),
        )),
    }
}

fn spawn(command: &mut tokio::process::Command) -> std::io::Result<tokio::process::Child> {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
}

async fn converse(mut child: tokio::process::Child, bytes: Vec<u8>) -> Result<(Vec<u8>, Ended)> {
    let io = |err: std::io::Error| AppError::internal(format!("document reader: {err}"));
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| AppError::internal("document reader: no stdin"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| AppError::internal("document reader: no stdout"))?;
    // Written and read at once: a child that answers before reading all would block us.
    let write = async move {
        // A child that died early closes its end: not our error, its exit says why.
        let _ = stdin.write_all(&bytes).await;
        drop(stdin);
        bytes
    };
    let read = async move {
        let mut out = Vec::new();
        stdout
            .take(MAX_ANSWER)
            .read_to_end(&mut out)
            .await
            .map(|_| out)
    };
    let (bytes, out) = tokio::join!(write, read);
    let out = out.map_err(io)?;
    let status = child.wait().await.map_err(io)?;
    let ended = match serde_json::from_slice::<Answer>(&out) {
        Ok(answer) if status.success() => Ended::Answered(answer),
        _ => Ended::Died(format!("exited with {status}")),
    };
    Ok((bytes, ended))
}
