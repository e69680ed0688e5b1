//! Résumés: upload over GraphQL multipart, the type read from the content, files sealed in
//! storage (a folder, and a real S3-compatible server), extraction as a job, signed download
//! links, deletion, and who may do what.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::files::{self, upload};
use crate::helpers::{Agency, TestApp, code, data};

const RESUME: &str =
    "query($id: ID!) { resume(id: $id) { id status error text format fileName downloadUrl } }";

/// Waits until the résumé's reading ended (DONE or FAILED) and returns it.
async fn processed(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    for _ in 0..200 {
        let body = app.gql(token, RESUME, json!({ "id": id })).await;
        let resume = data(&body)["resume"].clone();
        if matches!(resume["status"].as_str(), Some("DONE" | "FAILED")) {
            return resume;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("résumé {id} was never read");
}

/// A field of an `uploadResume` answer.
#[track_caller]
fn uploaded(body: &Value, field: &str) -> String {
    data(body)["uploadResume"][field]
        .as_str()
        .unwrap_or_else(|| panic!("uploadResume.{field} in {body}"))
        .to_owned()
}

async fn download(app: &TestApp, url: &str) -> reqwest::Response {
    app.client
        .get(app.url(url))
        .send()
        .await
        .expect("download request")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// No object of the folder holds `needle` in the clear.
fn sealed_at_rest(app: &TestApp, needle: &[u8]) {
    let objects = files::files_under(&app.files_dir());
    assert!(!objects.is_empty(), "nothing stored");
    for object in objects {
        let bytes = std::fs::read(&object).expect("object readable");
        assert!(
            !contains(&bytes, needle),
            "{} holds plaintext",
            object.display()
        );
        assert!(
            bytes.starts_with(b"TGF1"),
            "{} is not sealed",
            object.display()
        );
    }
}

async fn consultant(app: &TestApp, agency: &Agency) -> String {
    agency
        .consultant(app, json!({ "firstName": "Jane", "lastName": "Doe" }))
        .await
}

#[tokio::test]
async fn pdf_docx_and_text_are_recognised_by_content_read_and_downloaded() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let jane = consultant(&app, &agency).await;
    let token = agency.admin.token();

    let pdf = files::pdf(&[
        "Jane Doe - Platform engineer",
        "Kubernetes, Golang, PostgreSQL",
        "2019 - 2024 Payments at Acme",
    ]);
    let docx = files::docx(
        &["Jane Doe", "Designed a Stripe billing service in Golang"],
        &["Skills", "Terraform"],
    );
    let text = "Jane Doe\nNode.js and C++ since 2015\n".as_bytes().to_vec();
    // Names that lie: the content decides.
    // The name keeps the extension of the content: a PDF called cv.txt downloads as a PDF.
    let cases = [
        (
            "cv.txt",
            "cv.txt.pdf",
            pdf.clone(),
            "PDF",
            vec!["Kubernetes, Golang", "Payments at Acme"],
        ),
        (
            "cv.pdf",
            "cv.pdf.docx",
            docx.clone(),
            "DOCX",
            vec!["Stripe billing service", "Terraform"],
        ),
        (
            "cv\u{202e}txt.exe",
            "cvtxt.exe.txt",
            text.clone(),
            "TEXT",
            vec!["Node.js and C++"],
        ),
    ];
    for (sent, name, bytes, format, expected) in cases {
        let body = upload(&app, token, &jane, sent, bytes.clone()).await;
        let uploaded = &data(&body)["uploadResume"];
        assert_eq!(uploaded["format"], format, "{body}");
        assert_eq!(uploaded["fileName"], name);
        assert_eq!(uploaded["status"], "PENDING");
        assert_eq!(uploaded["consultant"]["id"], jane.as_str());
        assert_eq!(uploaded["sizeBytes"], bytes.len());
        let id = uploaded["id"].as_str().expect("id");

        let resume = processed(&app, token, id).await;
        assert_eq!(resume["status"], "DONE", "{resume}");
        let read = resume["text"].as_str().expect("text");
        for phrase in expected {
            assert!(
                read.contains(phrase),
                "{format}: {phrase:?} not in {read:?}"
            );
        }

        let response = download(&app, resume["downloadUrl"].as_str().expect("url")).await;
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        let disposition = headers["content-disposition"].to_str().expect("ascii");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains(name), "{disposition}");
        let content_type = headers["content-type"].to_str().expect("ascii");
        let wanted = match format {
            "PDF" => "application/pdf",
            "DOCX" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _ => "text/plain; charset=utf-8",
        };
        assert_eq!(content_type, wanted);
        assert_eq!(headers["cache-control"], "private, no-store");
        assert_eq!(
            response.bytes().await.expect("body").as_ref(),
            bytes.as_slice()
        );
    }
    // At rest, every file is sealed: no word of any of them is readable in storage.
    sealed_at_rest(&app, b"Node.js and C++");
    sealed_at_rest(&app, b"%PDF-");

    // The consultant lists them, newest first; the audit has each upload.
    let body = app
        .gql(
            token,
            "query($id: ID!) { consultant(id: $id) { resumes { format } } }",
            json!({ "id": jane }),
        )
        .await;
    let formats: Vec<&str> = data(&body)["consultant"]["resumes"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["format"].as_str())
        .collect();
    assert_eq!(formats, ["TEXT", "DOCX", "PDF"]);
    let body = app
        .gql(
            token,
            r#"{ auditEvents(first: 10, filter: { action: "resume.uploaded" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["auditEvents"]["totalCount"], 3, "{body}");
}

#[tokio::test]
async fn files_that_are_not_readable_documents_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn_with(|c| c.limits.max_upload_bytes = 512 * 1024).await;
    let agency = app.agency().await;
    let jane = consultant(&app, &agency).await;
    let token = agency.admin.token();

    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01".to_vec();
    let broken_pdf =
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer".to_vec();
    let mut truncated_docx = files::docx(&["Jane"], &[]);
    truncated_docx.truncate(truncated_docx.len() / 2);
    let not_a_docx = {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file("photo.jpg", zip::write::SimpleFileOptions::default())
            .expect("start");
        std::io::Write::write_all(&mut zip, b"not a document").expect("write");
        zip.finish().expect("finish");
        out.into_inner()
    };
    // 80 MiB of zeros packed into well under the upload limit.
    let bomb = files::zip_bomb("word/media/image1.png", 80 * 1024 * 1024);
    let huge_text = files::zip_bomb("word/document.xml", 20 * 1024 * 1024);
    assert!(bomb.len() < 512 * 1024, "the bomb is small: {}", bomb.len());
    let too_large = "a".repeat(512 * 1024 + 1).into_bytes();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("image.pdf", png, "must be a PDF, a DOCX or plain text"),
        ("cv.pdf", broken_pdf, "not a readable PDF"),
        ("cv.docx", truncated_docx, "not a readable DOCX"),
        ("cv.docx", not_a_docx, "not a DOCX"),
        ("cv.docx", bomb, "ZIP bomb"),
        ("cv.docx", huge_text, "text is larger than"),
        ("cv.txt", too_large, "at most 524288 bytes"),
        ("empty.txt", Vec::new(), "is empty"),
        ("cv.bin", vec![0, 159, 146, 150, 0, 1], "must be a PDF"),
    ];
    for (name, bytes, why) in cases {
        let body = upload(&app, token, &jane, name, bytes).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{name}: {body}");
        let message = body["errors"][0]["extensions"]["fields"]["file"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(why), "{name}: {why:?} not in {body}");
        assert!(body["data"].is_null() || body["data"]["uploadResume"].is_null());
    }
    assert_eq!(
        files::files_under(&app.files_dir()).len(),
        0,
        "refused files were stored"
    );
    let body = app
        .gql(
            token,
            "query($id: ID!) { consultant(id: $id) { resumes { id } } }",
            json!({ "id": jane }),
        )
        .await;
    assert_eq!(data(&body)["consultant"]["resumes"], json!([]));
}

#[tokio::test]
async fn consultants_upload_their_own_clients_never_and_other_tenants_see_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let jane = consultant(&app, &agency).await;
    let john = consultant(&app, &agency).await;
    let jane_session = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": jane }))
        .await;
    let company = agency.company(&app, "Client Co").await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": company }))
        .await;
    let text = || b"Jane Doe\nRust\n".to_vec();

    // A consultant uploads for themself, not for a colleague.
    let body = upload(&app, jane_session.token(), &jane, "cv.txt", text()).await;
    let own = uploaded(&body, "id");
    let body = upload(&app, jane_session.token(), &john, "cv.txt", text()).await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");

    // A client may not upload, and the operation is not in its schema.
    let body = upload(&app, client.token(), &jane, "cv.txt", text()).await;
    assert!(
        matches!(code(&body), "FORBIDDEN" | "GRAPHQL_VALIDATION_FAILED"),
        "{body}"
    );
    let body = app.gql(client.token(), RESUME, json!({ "id": own })).await;
    assert!(
        body["data"].is_null() || body["data"]["resume"].is_null(),
        "{body}"
    );

    // The ADMIN's résumé of John is not Jane's to read.
    let body = upload(&app, agency.admin.token(), &john, "cv.txt", text()).await;
    let johns = uploaded(&body, "id");
    let body = app
        .gql(jane_session.token(), RESUME, json!({ "id": johns }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = app
        .gql(jane_session.token(), RESUME, json!({ "id": own }))
        .await;
    assert_eq!(data(&body)["resume"]["id"], own.as_str());

    // Another organisation: its ids do not exist here, nor ours there.
    let other = app.agency().await;
    let body = app
        .gql(other.admin.token(), RESUME, json!({ "id": own }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = upload(&app, other.admin.token(), &jane, "cv.txt", text()).await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = app
        .gql(
            other.admin.token(),
            "mutation($id: ID!) { deleteResume(id: $id) }",
            json!({ "id": own }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
}

#[tokio::test]
async fn download_links_expire_and_cannot_be_altered() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let jane = consultant(&app, &agency).await;
    let body = upload(
        &app,
        agency.admin.token(),
        &jane,
        "cv.txt",
        b"Jane\n".to_vec(),
    )
    .await;
    let url = uploaded(&body, "downloadUrl");
    assert!(url.starts_with("/files/"), "{url}");
    assert_eq!(download(&app, &url).await.status(), 200);

    // One character changed anywhere: nothing.
    for at in [8, url.len() / 2, url.len() - 1] {
        let mut altered = url.clone().into_bytes();
        altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ascii");
        assert_eq!(download(&app, &altered).await.status(), 404, "{altered}");
    }
    assert_eq!(download(&app, "/files/nonsense").await.status(), 404);

    // An expired link is dead (links signed under another secret: `links` unit tests).
    let expired = TestApp::spawn_with(|c| c.limits.file_link_ttl = Duration::ZERO).await;
    let other = expired.agency().await;
    let bob = consultant(&expired, &other).await;
    let body = upload(
        &expired,
        other.admin.token(),
        &bob,
        "cv.txt",
        b"Bob\n".to_vec(),
    )
    .await;
    let dead = uploaded(&body, "downloadUrl");
    assert_eq!(download(&expired, &dead).await.status(), 404);
}

#[tokio::test]
async fn deleting_a_resume_deletes_its_object() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let jane = consultant(&app, &agency).await;
    let token = agency.admin.token();
    let body = upload(&app, token, &jane, "cv.txt", b"Jane Doe\n".to_vec()).await;
    let resume = &data(&body)["uploadResume"];
    let (id, url) = (
        resume["id"].as_str().expect("id").to_owned(),
        resume["downloadUrl"].as_str().expect("url").to_owned(),
    );
    processed(&app, token, &id).await;
    assert_eq!(files::files_under(&app.files_dir()).len(), 1);

    let body = app
        .gql(
            token,
            "mutation($id: ID!) { deleteResume(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&body)["deleteResume"], id.as_str());
    let body = app.gql(token, RESUME, json!({ "id": id })).await;
    assert_eq!(code(&body), "NOT_FOUND");
    assert_eq!(download(&app, &url).await.status(), 404);
    // The object goes with a job queued in the deletion's transaction.
    for _ in 0..100 {
        if files::files_under(&app.files_dir()).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the deleted résumé's object is still stored");
}

/// A real S3-compatible server (s3s-fs, from crates) on 127.0.0.1:0 with access keys, its
/// data in `root`.
async fn s3_server(root: &std::path::Path, bucket: &str) -> std::net::SocketAddr {
    std::fs::create_dir_all(root.join(bucket)).expect("bucket folder");
    let fs = s3s_fs::FileSystem::new(root).expect("s3s-fs");
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(
        "tg-access",
        "tg-secret-key",
    ));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let service = service.clone();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn files_are_kept_sealed_in_an_s3_compatible_store() {
    let root = std::env::temp_dir().join(format!("tg_s3_{}", uuid::Uuid::now_v7().simple()));
    let addr = s3_server(&root, "resumes").await;
    let location = talentgraph::storage::Location::parse(&format!(
        "s3://resumes/agency-files?endpoint=http://{addr}&region=us-east-1&access_key_id=tg-access&secret_access_key=tg-secret-key&allow_http=true"
    ))
    .expect("s3 location");
    let app = TestApp::spawn_with(|c| c.storage = location).await;
    let agency = app.agency().await;
    let jane = consultant(&app, &agency).await;
    let token = agency.admin.token();
    let pdf = files::pdf(&["Jane Doe", "Kubernetes operator in Rust"]);
    let body = upload(&app, token, &jane, "cv.pdf", pdf.clone()).await;
    let id = uploaded(&body, "id");
    let resume = processed(&app, token, &id).await;
    assert_eq!(resume["status"], "DONE", "{resume}");
    assert!(
        resume["text"]
            .as_str()
            .is_some_and(|t| t.contains("Kubernetes operator")),
        "{resume}"
    );
    let response = download(&app, resume["downloadUrl"].as_str().expect("url")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        pdf.as_slice()
    );

    // In the bucket, under the URL's prefix: one sealed object, no PDF in the clear.
    let objects = files::files_under(&root.join("resumes").join("agency-files"));
    assert_eq!(objects.len(), 1, "{objects:?}");
    let stored = std::fs::read(&objects[0]).expect("object");
    assert!(stored.starts_with(b"TGF1") && !contains(&stored, b"%PDF-"));
    assert!(files::files_under(&app.files_dir()).is_empty());

    let body = app
        .gql(
            token,
            "mutation($id: ID!) { deleteResume(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    data(&body);
    for _ in 0..100 {
        if files::files_under(&root.join("resumes").join("agency-files")).is_empty() {
            let _ = std::fs::remove_dir_all(&root);
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the deleted résumé's object is still in the bucket");
}

const ANALYSIS: &str = "query($id: ID!) { resume(id: $id) { status analysis {
    emails { id value evidence } phones { id value } links { value }
    skills { id name years evidence skill { id } }
    experiences { title employer start end evidence }
    education { text year }
    title { id value evidence } totalYears { id value }
} } }";

#[tokio::test]
async fn a_resume_is_analysed_and_the_accepted_suggestions_go_to_the_profile() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let mut skill = std::collections::HashMap::new();
    for name in ["Go", "Kubernetes", "PostgreSQL", "Java", "Terraform"] {
        skill.insert(name, agency.skill(&app, name).await);
    }
    let jane = consultant(&app, &agency).await;
    let docx = files::docx(
        &[
            "Jane Doe",
            "jane.doe@example.com | +33 6 12 34 56 78 | https://github.com/janedoe",
            "Experience",
            "Staff Engineer at Acme Payments (Jan 2020 - Dec 2023)",
            "Designed a Stripe billing service in Golang on k8s",
            "Software Engineer, Globex | 01/2016 - 12/2019",
            "Java services over Postgres",
            "Education",
            "MSc Computer Science, University of Lyon, 2015",
        ],
        &[],
    );
    let body = upload(&app, token, &jane, "jane.docx", docx).await;
    let id = uploaded(&body, "id");
    assert_eq!(processed(&app, token, &id).await["status"], "DONE");

    let body = app.gql(token, ANALYSIS, json!({ "id": id })).await;
    let a = &data(&body)["resume"]["analysis"];
    assert_eq!(a["emails"][0]["value"], "jane.doe@example.com");
    assert_eq!(a["emails"][0]["id"], "email:0");
    assert_eq!(a["phones"][0]["value"], "+33 6 12 34 56 78");
    assert_eq!(a["links"][0]["value"], "https://github.com/janedoe");
    let years: std::collections::HashMap<&str, &Value> = a["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .map(|s| (s["name"].as_str().expect("name"), &s["years"]))
        .collect();
    assert_eq!(years["Go"], &json!(4.0), "{a}");
    assert_eq!(years["Kubernetes"], &json!(4.0));
    assert_eq!(years["Java"], &json!(4.0));
    assert_eq!(years["PostgreSQL"], &json!(4.0));
    assert!(!years.contains_key("Terraform"), "{a}");
    assert_eq!(
        a["skills"][0]["evidence"],
        "Designed a Stripe billing service in Golang on k8s"
    );
    assert_eq!(a["skills"][0]["skill"]["id"], skill["Go"].as_str());
    assert_eq!(a["experiences"][0]["title"], "Staff Engineer");
    assert_eq!(a["experiences"][0]["employer"], "Acme Payments");
    assert_eq!(a["experiences"][0]["start"], "2020-01");
    assert_eq!(a["experiences"][0]["end"], "2023-12");
    assert_eq!(a["education"][0]["year"], 2015);
    assert_eq!(a["title"]["value"], "Staff Engineer");
    assert_eq!(a["totalYears"]["value"], 8.0);

    // What is not a suggestion of this résumé is refused, nothing applied.
    let apply = "mutation($i: ApplyResumeSuggestionsInput!) { applyResumeSuggestions(input: $i) { title yearsExperience email phone skills { skill { name } level yearsExperience } } }";
    let body = app
        .gql(
            token,
            apply,
            json!({ "i": { "resumeId": id, "accept": ["title", "skill:00000000-0000-0000-0000-000000000000", "phone:7"] } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let fields = &body["errors"][0]["extensions"]["fields"];
    assert!(
        fields["accept[1]"].is_string() && fields["accept[2]"].is_string(),
        "{body}"
    );

    let go = format!("skill:{}", skill["Go"]);
    let k8s = format!("skill:{}", skill["Kubernetes"]);
    let body = app
        .gql(
            token,
            apply,
            json!({ "i": { "resumeId": id, "accept": ["title", "totalYears", "email:0", "phone:0", go, k8s] } }),
        )
        .await;
    let profile = &data(&body)["applyResumeSuggestions"];
    assert_eq!(profile["title"], "Staff Engineer");
    assert_eq!(profile["yearsExperience"], 8);
    assert_eq!(profile["email"], "jane.doe@example.com");
    assert_eq!(profile["phone"], "+33 6 12 34 56 78");
    let mut skills: Vec<(String, String, i64)> = profile["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .map(|s| {
            (
                s["skill"]["name"].as_str().unwrap_or_default().to_owned(),
                s["level"].as_str().unwrap_or_default().to_owned(),
                s["yearsExperience"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    skills.sort();
    assert_eq!(
        skills,
        [
            ("Go".to_owned(), "ADVANCED".to_owned(), 4),
            ("Kubernetes".to_owned(), "ADVANCED".to_owned(), 4)
        ]
    );
    // The e-mail went through the consultant's encryption like any other.
    let body = app
        .gql(
            token,
            r#"{ auditEvents(first: 5, filter: { action: "resume.suggestions_applied" }) { edges { node { changes } } } }"#,
            json!({}),
        )
        .await;
    let changes = data(&body)["auditEvents"]["edges"][0]["node"]["changes"].to_string();
    assert!(
        changes.contains("email:0") && !changes.contains("jane.doe@"),
        "{changes}"
    );

    // A consultant reads their résumé's suggestions but applies none (profile edits are staff's).
    let jane_session = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": jane }))
        .await;
    let body = app
        .gql(jane_session.token(), ANALYSIS, json!({ "id": id }))
        .await;
    assert_eq!(
        data(&body)["resume"]["analysis"]["title"]["value"],
        "Staff Engineer"
    );
    let body = app
        .gql(
            jane_session.token(),
            apply,
            json!({ "i": { "resumeId": id, "accept": ["title"] } }),
        )
        .await;
    assert!(
        matches!(code(&body), "FORBIDDEN" | "GRAPHQL_VALIDATION_FAILED"),
        "{body}"
    );
}

#[tokio::test]
async fn resume_events_start_workflows_when_read_and_when_failed() {
    // No workers here: the file can be taken away before anyone reads it.
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    for (name, event) in [("read", "RESUME_PROCESSED"), ("failed", "RESUME_FAILED")] {
        let body = app
            .gql(
                token,
                "mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { id } }",
                json!({ "i": {
                    "name": format!("on {name}"),
                    "trigger": { "kind": "EVENT", "event": event },
                    "steps": [{ "kind": "SEND_EMAIL", "config": {
                        "to": "ops@agency.test", "subject": format!("résumé {name}"), "body": "{{ resumeId }}" } }]
                } }),
            )
            .await;
        data(&body);
    }
    let jane = consultant(&app, &agency).await;
    let body = upload(
        &app,
        token,
        &jane,
        "cv.txt",
        b"Jane Doe\nGo developer\n".to_vec(),
    )
    .await;
    let readable = uploaded(&body, "id");
    for object in files::files_under(&app.files_dir()) {
        std::fs::remove_file(object).expect("remove object");
    }
    let body = upload(&app, token, &jane, "cv2.txt", b"Jane Doe again\n".to_vec()).await;
    data(&body);
    // The first file is gone from storage; a worker now reads both.
    let _ = readable.clone();
    let workers = app.another_instance().await;
    let mut subjects = Vec::new();
    for _ in 0..200 {
        let body = workers
            .gql(
                token,
                "{ sentEmails(first: 10) { edges { node { subject body } } } }",
                json!({}),
            )
            .await;
        subjects = data(&body)["sentEmails"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| {
                (
                    e["node"]["subject"].as_str().unwrap_or_default().to_owned(),
                    e["node"]["body"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect::<Vec<_>>();
        if subjects.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    subjects.sort();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert_eq!(subjects[0].0, "résumé failed");
    assert_eq!(subjects[0].1, readable);
    assert_eq!(subjects[1].0, "résumé read");
    let failed = processed(&workers, token, &readable).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["error"], "the file is missing from storage");
}

#[tokio::test]
async fn resume_changes_stream_to_those_who_may_read_them() {
    use crate::helpers::ws;
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let jane = consultant(&app, &agency).await;
    let john = consultant(&app, &agency).await;
    let query = "subscription($c: ID) { resumeUpdated(consultantId: $c) { kind sequence consultantId error resume { id status } } }";
    let mut staff = ws::open(&app, token).await;
    ws::subscribe(&mut staff, "jane", query, json!({ "c": jane })).await;
    // John, a consultant, may watch only his own: Jane's résumés never reach him.
    let john_session = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": john }))
        .await;
    let mut johns = ws::open(&app, john_session.token()).await;
    ws::subscribe(&mut johns, "all", query, json!({})).await;
    let other = app.agency().await;
    let mut outsider = ws::open(&app, other.admin.token()).await;
    ws::subscribe(&mut outsider, "all", query, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let body = upload(
        &app,
        token,
        &jane,
        "cv.txt",
        b"Jane Doe\nGo developer\n".to_vec(),
    )
    .await;
    let id = uploaded(&body, "id");
    let first = ws::next_payload(&mut staff, "jane").await["data"]["resumeUpdated"].clone();
    assert_eq!(first["kind"], "UPLOADED", "{first}");
    assert_eq!(first["consultantId"], jane.as_str());
    let second = ws::next_payload(&mut staff, "jane").await["data"]["resumeUpdated"].clone();
    assert_eq!(second["kind"], "PROCESSED", "{second}");
    assert_eq!(second["resume"]["id"], id.as_str());
    assert_eq!(second["resume"]["status"], "DONE");
    assert!(second["sequence"].as_i64() > first["sequence"].as_i64());

    data(
        &app.gql(
            token,
            "mutation($id: ID!) { deleteResume(id: $id) }",
            json!({ "id": id }),
        )
        .await,
    );
    let third = ws::next_payload(&mut staff, "jane").await["data"]["resumeUpdated"].clone();
    assert_eq!(third["kind"], "DELETED");
    assert!(third["resume"].is_null(), "{third}");

    // Replayed from a sequence: the same events, in order.
    let mut replay = ws::open(&app, token).await;
    let replay_query =
        "subscription($c: ID, $a: Int) { resumeUpdated(consultantId: $c, after: $a) { kind } }";
    ws::subscribe(
        &mut replay,
        "replay",
        replay_query,
        json!({ "c": jane, "a": first["sequence"].as_i64().map(|s| s - 1) }),
    )
    .await;
    let kinds: Vec<Value> = [
        ws::next_payload(&mut replay, "replay").await,
        ws::next_payload(&mut replay, "replay").await,
        ws::next_payload(&mut replay, "replay").await,
    ]
    .iter()
    .map(|p| p["data"]["resumeUpdated"]["kind"].clone())
    .collect();
    assert_eq!(
        kinds,
        [json!("UPLOADED"), json!("PROCESSED"), json!("DELETED")]
    );

    for socket in [&mut johns, &mut outsider] {
        let nothing = tokio::time::timeout(Duration::from_millis(300), ws::next_json(socket)).await;
        assert!(nothing.is_err(), "{nothing:?}");
    }
}

#[tokio::test]
async fn a_file_that_crashes_its_reader_fails_and_the_server_goes_on() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let jane = consultant(&app, &agency).await;
    let body = upload(&app, token, &jane, "loop.pdf", files::pdf_drawing_itself()).await;
    let id = uploaded(&body, "id");
    let resume = processed(&app, token, &id).await;
    assert_eq!(resume["status"], "FAILED", "{resume}");
    assert_eq!(
        resume["error"],
        "the file could not be read (its reader was stopped)"
    );
    // The server and its workers are still there.
    let body = upload(&app, token, &jane, "cv.txt", b"Jane Doe\n".to_vec()).await;
    let next = uploaded(&body, "id");
    assert_eq!(processed(&app, token, &next).await["status"], "DONE");
}
