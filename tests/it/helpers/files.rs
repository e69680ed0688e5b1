//! Real files for upload tests, written by crates (a PDF by lopdf, a DOCX by docx-rs), hostile
//! ones included, and the GraphQL multipart request that uploads them.

use std::io::Write as _;

use serde_json::{Value, json};

use super::TestApp;

/// A one-page PDF whose page shows `lines` in Helvetica.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 11.into()]),
        Operation::new("TL", vec![14.into()]),
        Operation::new("Td", vec![50.into(), 780.into()]),
    ];
    for line in lines {
        operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        operations.push(Operation::new("T*", vec![]));
    }
    operations.push(Operation::new("ET", vec![]));
    let content = Content { operations };
    let content_id = doc.add_object(Stream::new(
        dictionary! {},
        content.encode().expect("content encodes"),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf saves");
    out
}

/// A DOCX of one paragraph per line, and a table of `cells`.
pub fn docx(lines: &[&str], cells: &[&str]) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let mut doc = Docx::new();
    for line in lines {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(*line)));
    }
    if !cells.is_empty() {
        let row = TableRow::new(
            cells
                .iter()
                .map(|c| {
                    TableCell::new()
                        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*c)))
                })
                .collect(),
        );
        doc = doc.add_table(Table::new(vec![row]));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).expect("docx packs");
    out.into_inner()
}

/// A ZIP that looks like a DOCX whose part `part` unpacks to `unpacked` bytes of zeros (a few
/// hundred KiB packed).
pub fn zip_bomb(part: &str, unpacked: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(unpacked > u32::MAX as usize);
    zip.start_file("[Content_Types].xml", options)
        .expect("start");
    zip.write_all(b"<Types/>").expect("write");
    if part != "word/document.xml" {
        zip.start_file("word/document.xml", options).expect("start");
        zip.write_all(b"<w:document/>").expect("write");
    }
    zip.start_file(part, options).expect("start");
    let chunk = vec![0u8; 1024 * 1024];
    let mut left = unpacked;
    while left > 0 {
        let n = left.min(chunk.len());
        zip.write_all(&chunk[..n]).expect("write");
        left -= n;
    }
    zip.finish().expect("finish");
    out.into_inner()
}

pub const UPLOAD: &str = "mutation($i: UploadResumeInput!) { uploadResume(input: $i) { id fileName format status sizeBytes sha256 downloadUrl consultant { id } } }";

/// Uploads `bytes` as `file_name` for `consultant` through a GraphQL multipart request (what
/// Apollo's upload link and urql send); returns the response body.
pub async fn upload(
    app: &TestApp,
    token: Option<&str>,
    consultant: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Value {
    let operations = json!({
        "query": UPLOAD,
        "variables": { "i": { "consultantId": consultant, "file": null } },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.i.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("apollo-require-preflight", "true")
        .multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("upload request");
    response.json().await.expect("json body")
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A one-page PDF whose page draws a form that draws itself: a reader that follows forms
/// without a bound recurses until its stack overflows (which aborts a process).
pub fn pdf_drawing_itself() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let form_id = doc.new_object_id();
    let resources_id = doc.add_object(dictionary! {
        "XObject" => dictionary! { "X1" => form_id },
    });
    doc.objects.insert(
        form_id,
        Object::Stream(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
                "Resources" => resources_id,
            },
            b"/X1 Do".to_vec(),
        )),
    );
    let content_id = doc.add_object(Stream::new(dictionary! {}, b"/X1 Do".to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => resources_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf saves");
    out
}
