//! The whole role matrix (DESIGN §5): every role × every query and mutation of the talent and
//! tenancy APIs, each cell asserting allowed / FORBIDDEN / NOT_FOUND / field-null.
//!
//! Mutations are probed with inputs that a permitted caller gets refused *after*
//! authorisation (validation, illegal transition, conflict, unknown id), so one world serves
//! every cell and the outcome still tells the guard and the row scope apart.

use serde_json::{Value, json};

use crate::helpers::{TestApp, data};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Answered without error.
    Ok,
    /// Passed the guard and the scope, then refused by a rule (BAD_USER_INPUT or CONFLICT).
    Refused,
    Forbidden,
    NotFound,
    /// The object came back with a sensitive field null and FORBIDDEN at its path.
    FieldNull,
}

use Cell::*;

fn cell(body: &Value) -> Cell {
    let Some(errors) = body["errors"].as_array() else {
        return Ok;
    };
    let code = errors[0]["extensions"]["code"].as_str().unwrap_or("");
    let depth = errors[0]["path"].as_array().map_or(0, Vec::len);
    match code {
        "FORBIDDEN" if depth > 1 && !body["data"].is_null() => FieldNull,
        "FORBIDDEN" => Forbidden,
        "NOT_FOUND" => NotFound,
        "BAD_USER_INPUT" | "CONFLICT" => Refused,
        other => panic!("unexpected code {other}: {body}"),
    }
}

async fn id(app: &TestApp, token: Option<&str>, query: &str, vars: Value, field: &str) -> String {
    let body = app.gql(token, query, vars).await;
    data(&body)[field]["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn every_role_against_every_operation() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let company = "mutation($n: String!) { createCompany(input: { name: $n }) { id } }";
    let a = id(&app, admin, company, json!({ "n": "A" }), "createCompany").await;
    let b = id(&app, admin, company, json!({ "n": "B" }), "createCompany").await;
    let skill = id(
        &app,
        admin,
        "mutation { createSkill(input: { name: \"Rust\" }) { id } }",
        json!({}),
        "createSkill",
    )
    .await;
    let consultant = "mutation($f: String!) { createConsultant(input: { firstName: $f, lastName: \"X\", title: \"T\", email: \"x@y.test\", dailyRate: \"500\", internalNotes: \"n\" }) { id } }";
    let c1 = id(
        &app,
        admin,
        consultant,
        json!({ "f": "One" }),
        "createConsultant",
    )
    .await;
    let c2 = id(
        &app,
        admin,
        consultant,
        json!({ "f": "Two" }),
        "createConsultant",
    )
    .await;
    let tender = "mutation($c: ID!, $t: String!) { createTender(input: { companyId: $c, title: $t }) { id } }";
    let ta = id(
        &app,
        admin,
        tender,
        json!({ "c": a, "t": "TA" }),
        "createTender",
    )
    .await;
    let ta2 = id(
        &app,
        admin,
        tender,
        json!({ "c": a, "t": "TA2" }),
        "createTender",
    )
    .await;
    let tb = id(
        &app,
        admin,
        tender,
        json!({ "c": b, "t": "TB" }),
        "createTender",
    )
    .await;
    for t in [&ta, &ta2] {
        data(
            &app.gql(
                admin,
                "mutation($id: ID!) { publishTender(id: $id) { id } }",
                json!({ "id": t }),
            )
            .await,
        );
    }
    let create_match = "mutation($t: ID!, $c: ID!) { createMatch(input: { tenderId: $t, consultantId: $c, notes: \"internal\" }) { id } }";
    let m1 = id(
        &app,
        admin,
        create_match,
        json!({ "t": ta, "c": c1 }),
        "createMatch",
    )
    .await;
    let m2 = id(
        &app,
        admin,
        create_match,
        json!({ "t": ta, "c": c2 }),
        "createMatch",
    )
    .await;
    let m3 = id(
        &app,
        admin,
        create_match,
        json!({ "t": ta2, "c": c1 }),
        "createMatch",
    )
    .await;
    for m in [&m1, &m3] {
        data(
            &app.gql(
                admin,
                "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
                json!({ "id": m }),
            )
            .await,
        );
    }
    let body = app
        .gql(
            admin,
            "mutation($id: ID!) { acceptMatch(id: $id) { collaboration { id } } }",
            json!({ "id": m3 }),
        )
        .await;
    let col = data(&body)["acceptMatch"]["collaboration"]["id"]
        .as_str()
        .expect("collaboration")
        .to_owned();

    let manager = agency.member(&app, "MANAGER").await;
    let consultant_user = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": c1 }))
        .await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": a }))
        .await;
    let tokens = [
        admin,
        manager.token(),
        consultant_user.token(),
        client.token(),
    ];
    let nobody = uuid::Uuid::now_v7().to_string();

    // (operation, query, variables, [ADMIN, MANAGER, CONSULTANT, CLIENT])
    let matrix: Vec<(&str, &str, Value, [Cell; 4])> = vec![
        ("me", "{ me { id } }", json!({}), [Ok, Ok, Ok, Ok]),
        ("tenant", "{ tenant { id } }", json!({}), [Ok, Ok, Ok, Ok]),
        (
            "users",
            "{ users { totalCount } }",
            json!({}),
            [Ok, Ok, Forbidden, Forbidden],
        ),
        (
            "user",
            "query($id: ID!) { user(id: $id) { id } }",
            json!({ "id": manager.user_id }),
            [Ok, Ok, Forbidden, Forbidden],
        ),
        (
            "auditEvents",
            "{ auditEvents(first: 1) { totalCount } }",
            json!({}),
            [Ok, Forbidden, Forbidden, Forbidden],
        ),
        (
            "verifyAuditChain",
            "{ verifyAuditChain { valid } }",
            json!({}),
            [Ok, Forbidden, Forbidden, Forbidden],
        ),
        (
            "companies",
            "{ companies { totalCount } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "company A",
            "query($id: ID!) { company(id: $id) { name } }",
            json!({ "id": a }),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "company B",
            "query($id: ID!) { company(id: $id) { name } }",
            json!({ "id": b }),
            [Ok, Ok, NotFound, NotFound],
        ),
        (
            "skills",
            "{ skills { totalCount } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "skill",
            "query($id: ID!) { skill(id: $id) { name } }",
            json!({ "id": skill }),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "consultants",
            "{ consultants { totalCount } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "consultant C2",
            "query($id: ID!) { consultant(id: $id) { firstName } }",
            json!({ "id": c2 }),
            [Ok, Ok, NotFound, NotFound],
        ),
        (
            "consultant C1 email",
            "query($id: ID!) { consultant(id: $id) { firstName email phone } }",
            json!({ "id": c1 }),
            [Ok, Ok, Ok, FieldNull],
        ),
        (
            "consultant C1 rate",
            "query($id: ID!) { consultant(id: $id) { dailyRate } }",
            json!({ "id": c1 }),
            [Ok, Ok, Ok, FieldNull],
        ),
        (
            "consultant C1 notes",
            "query($id: ID!) { consultant(id: $id) { internalNotes } }",
            json!({ "id": c1 }),
            [Ok, Ok, FieldNull, FieldNull],
        ),
        (
            "tenders",
            "{ tenders { totalCount } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "tender TA",
            "query($id: ID!) { tender(id: $id) { title company { name } requiredSkills { minLevel } } }",
            json!({ "id": ta }),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "tender TB",
            "query($id: ID!) { tender(id: $id) { title } }",
            json!({ "id": tb }),
            [Ok, Ok, NotFound, NotFound],
        ),
        (
            "matches",
            "{ matches { totalCount } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "match M1",
            "query($id: ID!) { match(id: $id) { score consultant { firstName } tender { title } } }",
            json!({ "id": m1 }),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "match M1 notes",
            "query($id: ID!) { match(id: $id) { notes } }",
            json!({ "id": m1 }),
            [Ok, Ok, FieldNull, FieldNull],
        ),
        (
            "match M2 (pending)",
            "query($id: ID!) { match(id: $id) { score } }",
            json!({ "id": m2 }),
            [Ok, Ok, NotFound, NotFound],
        ),
        (
            "collaborations",
            "{ collaborations { totalCount } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "collaboration",
            "query($id: ID!) { collaboration(id: $id) { status dailyRate } }",
            json!({ "id": col }),
            [Ok, Ok, Ok, FieldNull],
        ),
        // Mutations, probed non-destructively.
        (
            "inviteUser",
            "mutation { inviteUser(input: { email: \"bad\", role: CLIENT }) { id } }",
            json!({}),
            [Refused, Forbidden, Forbidden, Forbidden],
        ),
        (
            "updateUserRole",
            "mutation($id: ID!) { updateUserRole(input: { userId: $id, role: CLIENT }) { id } }",
            json!({ "id": nobody }),
            [NotFound, Forbidden, Forbidden, Forbidden],
        ),
        (
            "deactivateUser",
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": nobody }),
            [NotFound, Forbidden, Forbidden, Forbidden],
        ),
        (
            "restoreUser",
            "mutation($id: ID!) { restoreUser(id: $id) { id } }",
            json!({ "id": nobody }),
            [NotFound, Forbidden, Forbidden, Forbidden],
        ),
        (
            "changePassword",
            "mutation { changePassword(input: { currentPassword: \"x\", newPassword: \"short\" }) }",
            json!({}),
            [Refused, Refused, Refused, Refused],
        ),
        (
            "createCompany",
            "mutation { createCompany(input: { name: \"\" }) { id } }",
            json!({}),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "updateCompany",
            "mutation($id: ID!) { updateCompany(input: { id: $id, name: \"\" }) { id } }",
            json!({ "id": b }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "deleteCompany",
            "mutation($id: ID!) { deleteCompany(input: { id: $id }) }",
            json!({ "id": b }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "createSkill",
            "mutation { createSkill(input: { name: \"\" }) { id } }",
            json!({}),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "updateSkill",
            "mutation($id: ID!) { updateSkill(input: { id: $id, name: \"x\" }) { id } }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "deleteSkill",
            "mutation($id: ID!) { deleteSkill(id: $id) }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "createConsultant",
            "mutation { createConsultant(input: { firstName: \"\", lastName: \"L\", title: \"T\" }) { id } }",
            json!({}),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "updateConsultant",
            "mutation($id: ID!) { updateConsultant(input: { id: $id, firstName: \"\" }) { id } }",
            json!({ "id": c2 }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "deleteConsultant",
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "restoreConsultant",
            "mutation($id: ID!) { restoreConsultant(id: $id) { id } }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "setConsultantSkills",
            "mutation($id: ID!, $s: ID!) { setConsultantSkills(input: { consultantId: $id, skills: [{ skillId: $s, level: EXPERT }] }) { id } }",
            json!({ "id": c2, "s": nobody }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "createTender",
            "mutation($c: ID!) { createTender(input: { companyId: $c, title: \"\" }) { id } }",
            json!({ "c": a }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "updateTender",
            "mutation($id: ID!) { updateTender(input: { id: $id, title: \"\" }) { id } }",
            json!({ "id": tb }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "deleteTender",
            "mutation($id: ID!) { deleteTender(id: $id) }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "setTenderSkills",
            "mutation($id: ID!, $s: ID!) { setTenderSkills(input: { tenderId: $id, skills: [{ skillId: $s }] }) { id } }",
            json!({ "id": tb, "s": nobody }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "publishTender",
            "mutation($id: ID!) { publishTender(id: $id) { id } }",
            json!({ "id": ta }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "startTender",
            "mutation($id: ID!) { startTender(id: $id) { id } }",
            json!({ "id": tb }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "closeTender",
            "mutation($id: ID!) { closeTender(id: $id) { id } }",
            json!({ "id": tb }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "cancelTender",
            "mutation($id: ID!) { cancelTender(id: $id) { id } }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "createMatch",
            "mutation($t: ID!, $c: ID!) { createMatch(input: { tenderId: $t, consultantId: $c }) { id } }",
            json!({ "t": ta, "c": c1 }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "updateMatch",
            "mutation($id: ID!) { updateMatch(input: { id: $id, notes: \"x\" }) { id } }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "deleteMatch",
            "mutation($id: ID!) { deleteMatch(id: $id) }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "proposeMatch",
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": m1 }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "acceptMatch (pending)",
            "mutation($id: ID!) { acceptMatch(id: $id) { id } }",
            json!({ "id": m2 }),
            [Refused, Refused, Forbidden, NotFound],
        ),
        (
            "rejectMatch (pending)",
            "mutation($id: ID!) { rejectMatch(input: { id: $id }) { id } }",
            json!({ "id": m2 }),
            [Refused, Refused, Forbidden, NotFound],
        ),
        (
            "rejectMatch (proposed, reason too long)",
            "mutation($id: ID!, $r: String) { rejectMatch(input: { id: $id, reason: $r }) { id } }",
            json!({ "id": m1, "r": "x".repeat(2_001) }),
            [Refused, Refused, Forbidden, Refused],
        ),
        (
            "declineMatch (own, proposed, reason too long)",
            "mutation($id: ID!, $r: String) { declineMatch(input: { id: $id, reason: $r }) { id } }",
            json!({ "id": m1, "r": "x".repeat(2_001) }),
            [Forbidden, Forbidden, Refused, Forbidden],
        ),
        (
            "declineMatch (someone else's)",
            "mutation($id: ID!) { declineMatch(input: { id: $id }) { id } }",
            json!({ "id": m2 }),
            [Forbidden, Forbidden, NotFound, Forbidden],
        ),
        (
            "generateMatches (limit 0)",
            "mutation($t: ID!) { generateMatches(input: { tenderId: $t, limit: 0 }) { id } }",
            json!({ "t": ta }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "generateMatches (unknown tender)",
            "mutation($t: ID!) { generateMatches(input: { tenderId: $t }) { id } }",
            json!({ "t": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "matchingSettings",
            "{ matchingSettings { minScore } }",
            json!({}),
            [Ok, Forbidden, Forbidden, Forbidden],
        ),
        (
            "updateMatchingSettings (minScore 7)",
            "mutation { updateMatchingSettings(input: { minScore: 7 }) { minScore } }",
            json!({}),
            [Refused, Forbidden, Forbidden, Forbidden],
        ),
        (
            "cancelMatch",
            "mutation($id: ID!) { cancelMatch(id: $id) { id } }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
        (
            "updateCollaboration",
            "mutation($id: ID!) { updateCollaboration(input: { id: $id, status: COMPLETED }) { id } }",
            json!({ "id": col }),
            [Refused, Refused, Forbidden, Forbidden],
        ),
        (
            "deleteCollaboration",
            "mutation($id: ID!) { deleteCollaboration(id: $id) }",
            json!({ "id": nobody }),
            [NotFound, NotFound, Forbidden, Forbidden],
        ),
    ];
    let roles = ["ADMIN", "MANAGER", "CONSULTANT", "CLIENT"];
    let mut mismatches = Vec::new();
    for (name, query, vars, expected) in &matrix {
        for (i, token) in tokens.iter().enumerate() {
            let body = app.gql(*token, query, vars.clone()).await;
            let got = cell(&body);
            if got != expected[i] {
                mismatches.push(format!(
                    "{name} as {}: expected {:?}, got {got:?}: {body}",
                    roles[i], expected[i]
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} cell(s) wrong:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    println!(
        "role matrix: {} operations x {} roles",
        matrix.len(),
        roles.len()
    );
}
