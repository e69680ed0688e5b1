//! What an uploaded file is, decided from its bytes and never from its name: a PDF that
//! parses, a DOCX whose archive stays within bounds when unpacked (no ZIP bomb), or UTF-8
//! plain text. Anything else is refused before anything is stored.

use std::io::Read as _;

use entity::ResumeFormat;

use crate::error::{AppError, Result};

/// What unpacking a DOCX may cost, at most.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveBounds {
    /// Bytes of all entries, unpacked (measured while unpacking, not believed from headers).
    pub max_unpacked: u64,
    pub max_entries: usize,
}

impl Default for ArchiveBounds {
    fn default() -> Self {
        ArchiveBounds {
            max_unpacked: 64 * 1024 * 1024,
            max_entries: 2_000,
        }
    }
}

/// The MIME type a format is served with.
pub fn media_type(format: ResumeFormat) -> &'static str {
    match format {
        ResumeFormat::Pdf => "application/pdf",
        ResumeFormat::Docx => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        ResumeFormat::Text => "text/plain; charset=utf-8",
    }
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

/// Decides the format of `bytes` and checks that it reads as one; CPU-bound (parses PDFs and
/// unpacks archives): call it off the async runtime.
pub fn detect(bytes: &[u8], bounds: ArchiveBounds) -> Result<ResumeFormat> {
    if bytes.is_empty() {
        return Err(refused("is empty"));
    }
    if is_pdf(bytes) {
        check_pdf(bytes)?;
        return Ok(ResumeFormat::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        check_docx(bytes, bounds)?;
        return Ok(ResumeFormat::Docx);
    }
    if is_text(bytes) {
        return Ok(ResumeFormat::Text);
    }
    Err(refused("must be a PDF, a DOCX or plain text (UTF-8)"))
}

/// A PDF's header is within its first 1,024 bytes (ISO 32000-1, 7.5.2 and its implementation
/// notes).
fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

fn check_pdf(bytes: &[u8]) -> Result<()> {
    let document = lopdf::Document::load_mem(bytes)
        .map_err(|err| refused(format!("is not a readable PDF ({err})")))?;
    if document.is_encrypted() {
        return Err(refused("is an encrypted PDF"));
    }
    if document.get_pages().is_empty() {
        return Err(refused("is a PDF without pages"));
    }
    Ok(())
}

fn check_docx(bytes: &[u8], bounds: ArchiveBounds) -> Result<()> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| refused("is not a readable DOCX (a broken ZIP archive)"))?;
    if archive.len() > bounds.max_entries {
        return Err(refused(format!(
            "is a DOCX of more than {} parts",
            bounds.max_entries
        )));
    }
    let mut document = false;
    let mut left = bounds.max_unpacked;
    let mut text_part = Vec::new();
    let mut sink = vec![0u8; 64 * 1024];
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|_| refused("is not a readable DOCX (a part does not unpack)"))?;
        if entry.encrypted() {
            return Err(refused("is an encrypted DOCX"));
        }
        let is_text_part = entry.name() == "word/document.xml";
        document |= is_text_part;
        // Counted as it unpacks: the sizes an archive declares may lie.
        loop {
            let n = entry
                .read(&mut sink)
                .map_err(|_| refused("is not a readable DOCX (a part does not unpack)"))?;
            if n == 0 {
                break;
            }
            if is_text_part {
                if text_part.len() + n > MAX_TEXT_PART {
                    return Err(refused(format!(
                        "is a DOCX whose text is larger than {MAX_TEXT_PART} bytes"
                    )));
                }
                text_part.extend_from_slice(&sink[..n]);
            }
            left = left.checked_sub(n as u64).ok_or_else(|| {
                refused(format!(
                    "unpacks to more than {} bytes (a ZIP bomb?)",
                    bounds.max_unpacked
                ))
            })?;
        }
    }
    if !document {
        return Err(refused(
            "is a ZIP archive but not a DOCX (no word/document.xml)",
        ));
    }
    if table_depth(&text_part) > MAX_TABLE_DEPTH {
        return Err(refused(format!(
            "is a DOCX with tables nested more than {MAX_TABLE_DEPTH} deep"
        )));
    }
    Ok(())
}

/// The largest `word/document.xml` read (the reader builds a tree of it).
const MAX_TEXT_PART: usize = 16 * 1024 * 1024;
/// Tables in tables in tables…: the reader follows them recursively.
const MAX_TABLE_DEPTH: usize = 8;

/// How deep `<w:tbl>` elements nest in a document part.
fn table_depth(xml: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(at) = xml[i..].iter().position(|&b| b == b'<') {
        let rest = &xml[i + at..];
        let opens = rest.starts_with(b"<w:tbl>") || rest.starts_with(b"<w:tbl ");
        if opens {
            depth += 1;
            deepest = deepest.max(depth);
        } else if rest.starts_with(b"</w:tbl>") {
            depth = depth.saturating_sub(1);
        }
        i += at + 1;
    }
    deepest
}

/// UTF-8 (a BOM allowed) of printable characters and ordinary white space.
fn is_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    !text.trim().is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, content) in entries {
            zip.start_file(
                *name,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated),
            )
            .expect("start");
            zip.write_all(content).expect("write");
        }
        zip.finish().expect("finish");
        out.into_inner()
    }

    fn code(err: AppError) -> String {
        format!("{err:?}")
    }

    #[test]
    fn text_is_utf8_with_ordinary_white_space() {
        let bounds = ArchiveBounds::default();
        assert_eq!(
            detect("Jane Doe\nGo, Kubernetes\n".as_bytes(), bounds).expect("text"),
            ResumeFormat::Text
        );
        assert_eq!(
            detect("\u{feff}Zoë — Résumé\r\n\tC++".as_bytes(), bounds).expect("bom"),
            ResumeFormat::Text
        );
        for bad in [
            &b""[..],
            b"   \n",
            b"\xff\xfe\x00J\x00a",
            b"binary\x00zero",
            b"\x7fELF\x02\x01",
        ] {
            assert!(detect(bad, bounds).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_name_does_not_matter_only_the_content() {
        // A PNG is refused whatever it is called; a PDF header makes a PDF only if it parses.
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert!(code(detect(png, ArchiveBounds::default()).expect_err("png")).contains("file"));
        let fake = b"%PDF-1.7\nthis is not a PDF at all";
        let err = code(detect(fake, ArchiveBounds::default()).expect_err("fake pdf"));
        assert!(err.contains("not a readable PDF"), "{err}");
    }

    #[test]
    fn a_zip_without_a_document_is_not_a_docx() {
        let zip = zip_of(&[("hello.txt", b"hello")]);
        let err = code(detect(&zip, ArchiveBounds::default()).expect_err("zip"));
        assert!(err.contains("not a DOCX"), "{err}");
    }

    #[test]
    fn deeply_nested_tables_are_refused() {
        let nested = |n: usize| {
            let mut xml = String::from("<w:document><w:body>");
            xml.push_str(&"<w:tbl><w:tr><w:tc>".repeat(n));
            xml.push_str(&"</w:tc></w:tr></w:tbl>".repeat(n));
            xml.push_str("</w:body></w:document>");
            zip_of(&[("word/document.xml", xml.as_bytes())])
        };
        let bounds = ArchiveBounds::default();
        assert_eq!(
            detect(&nested(3), bounds).expect("3 deep"),
            ResumeFormat::Docx
        );
        let err = code(detect(&nested(10_000), bounds).expect_err("10,000 deep"));
        assert!(err.contains("nested"), "{err}");
    }

    #[test]
    fn a_zip_bomb_is_refused_while_it_unpacks() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let zip = zip_of(&[
            ("word/document.xml", b"<w:document/>"),
            ("bomb.bin", &zeros),
        ]);
        assert!(zip.len() < 64 * 1024, "compresses well: {}", zip.len());
        let bounds = ArchiveBounds {
            max_unpacked: 1024 * 1024,
            max_entries: 10,
        };
        let err = code(detect(&zip, bounds).expect_err("bomb"));
        assert!(err.contains("ZIP bomb"), "{err}");
        assert_eq!(
            detect(&zip, ArchiveBounds::default()).expect("within bounds"),
            ResumeFormat::Docx
        );
    }
}
