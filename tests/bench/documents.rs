//! The résumé benchmark (issue 11: extraction of a 5-page PDF under 200 ms): a 5-page PDF and
//! a DOCX of the same text, written by lopdf and docx-rs, go through what an upload and its
//! job do — the upload check (`formats::detect`), the text (`extract::text_of`) and the
//! analysis against a 200-skill catalogue (`analysis::analyse`) — on one thread; p50 and p99
//! of each step are reported.
//!
//! ```text
//! cargo bench --bench documents                  # 50 rounds
//! cargo bench --bench documents -- --rounds 200
//! cargo test  --bench documents                  # what CI runs: 3 rounds
//! ```

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use entity::ResumeFormat;
use talentgraph::documents::analysis::{CatalogueSkill, analyse};
use talentgraph::documents::extract::text_of;
use talentgraph::documents::formats::{ArchiveBounds, detect};
use uuid::Uuid;

/// The server's allocator (`src/main.rs`), so that the figures are the ones the server gets.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const PAGES: usize = 5;
const LINES_PER_PAGE: usize = 48;

/// A résumé's worth of varied lines: experiences with dates, skills, contact data, prose.
fn lines() -> Vec<String> {
    let skills = [
        "Go",
        "Kubernetes",
        "PostgreSQL",
        "Rust",
        "Terraform",
        "Kafka",
        "React",
        "TypeScript",
        "Java",
        "Spring Boot",
        "AWS",
        "Docker",
    ];
    let mut out = vec![
        "Jane Doe - Staff Platform Engineer".to_owned(),
        "jane.doe@example.com | +33 6 12 34 56 78 | https://github.com/janedoe".to_owned(),
        "Experience".to_owned(),
    ];
    let mut year = 2025;
    while out.len() < PAGES * LINES_PER_PAGE {
        out.push(format!(
            "Senior Engineer at Company {year} (Jan {} - Dec {year})",
            year - 2
        ));
        for k in 0..10 {
            let a = skills[(year as usize + k) % skills.len()];
            let b = skills[(year as usize + 3 * k + 1) % skills.len()];
            out.push(format!(
                "Designed and operated services in {a} with {b}, for payments, billing and search ({k})"
            ));
        }
        year -= 1;
    }
    out.truncate(PAGES * LINES_PER_PAGE);
    out
}

fn pdf(lines: &[String]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for page in lines.chunks(LINES_PER_PAGE) {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 9.into()]),
            Operation::new("TL", vec![15.into()]),
            Operation::new("Td", vec![40.into(), 800.into()]),
        ];
        for line in page {
            operations.push(Operation::new(
                "Tj",
                vec![Object::string_literal(line.as_str())],
            ));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().expect("content");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = i64::try_from(kids.len()).expect("pages");
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf");
    out
}

fn docx(lines: &[String]) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run};
    let mut doc = Docx::new();
    for line in lines {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(line.as_str())));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).expect("docx");
    out.into_inner()
}

fn catalogue() -> Vec<CatalogueSkill> {
    let mut names: Vec<String> = [
        "Go",
        "Kubernetes",
        "PostgreSQL",
        "Rust",
        "Terraform",
        "Kafka",
        "React",
        "TypeScript",
        "Java",
        "Spring Boot",
        "AWS",
        "Docker",
        "C++",
        "C#",
        "Node.js",
        "Python",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    names.extend((0..184).map(|i| format!("Skill{i}")));
    names
        .into_iter()
        .map(|name| CatalogueSkill {
            id: Uuid::new_v4(),
            name,
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what:<32} p50 {:>8.2} ms   p99 {:>8.2} ms   ({} rounds)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.len()
    );
}

fn timed<T>(times: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    times.push(started.elapsed());
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --bench` runs the binary without `--bench`: a short run that cannot rot.
    let full = args.iter().any(|a| a == "--bench");
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(if full { 50 } else { 3 });
    let lines = lines();
    let pdf = pdf(&lines);
    let docx = docx(&lines);
    let catalogue = catalogue();
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    println!(
        "{PAGES}-page PDF: {} KiB, DOCX: {} KiB, {} lines, catalogue of {} skills",
        pdf.len() / 1024,
        docx.len() / 1024,
        lines.len(),
        catalogue.len()
    );
    for (name, bytes, format) in [
        ("PDF", &pdf, ResumeFormat::Pdf),
        ("DOCX", &docx, ResumeFormat::Docx),
    ] {
        let (mut check, mut read, mut analysis, mut total) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut found = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            let detected = timed(&mut check, || detect(bytes, ArchiveBounds::default()));
            assert_eq!(detected.expect("readable"), format);
            let text = timed(&mut read, || text_of(format, bytes)).expect("text");
            assert!(text.contains("Kubernetes"), "{name}: the text was read");
            let result = timed(&mut analysis, || analyse(&text, &catalogue, today));
            found = result.skills.len();
            total.push(started.elapsed());
        }
        assert!(found >= 10, "{name}: skills found: {found}");
        report(&format!("{name} upload check"), check);
        report(&format!("{name} text extraction"), read);
        report(&format!("{name} analysis"), analysis);
        report(&format!("{name} all three"), total);
    }
}
