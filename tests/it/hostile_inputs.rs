//! Hostile text and dates: a NUL byte, an endless string or a date at the edge of what chrono
//! can represent answer `BAD_USER_INPUT` naming the field, on both databases; none reaches
//! the database (PostgreSQL refuses NUL in text and such timestamps with an error).

use serde_json::json;

use crate::helpers::{TestApp, data};

#[tokio::test]
async fn nul_bytes_long_strings_and_far_dates_are_bad_input() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let nul = "a\u{0}b";
    let long = "x".repeat(10_001);
    let far = "-262143-01-01T00:00:00Z";
    let cases = [
        (
            "query($v: String) { users(filter: { text: $v }) { totalCount } }",
            json!(nul),
            "filter.text",
        ),
        (
            "query($v: String) { users(filter: { text: $v }) { totalCount } }",
            json!(long),
            "filter.text",
        ),
        (
            "query($v: String) { auditEvents(filter: { action: $v }) { totalCount } }",
            json!(nul),
            "filter.action",
        ),
        (
            "query($v: String) { auditEvents(filter: { entityType: $v }) { totalCount } }",
            json!(nul),
            "filter.entityType",
        ),
        (
            "query($v: String) { auditEvents(filter: { entityId: $v }) { totalCount } }",
            json!(nul),
            "filter.entityId",
        ),
        (
            "query($v: DateTime) { auditEvents(filter: { since: $v }) { totalCount } }",
            json!(far),
            "filter.since",
        ),
        (
            "query($v: DateTime) { auditEvents(filter: { until: $v }) { totalCount } }",
            json!("+262142-12-31T00:00:00Z"),
            "filter.until",
        ),
        (
            "query($v: String) { companies(filter: { text: $v }) { totalCount } }",
            json!(nul),
            "filter.text",
        ),
        (
            "query($v: String) { skills(filter: { text: $v }) { totalCount } }",
            json!(nul),
            "filter.text",
        ),
        (
            "query($v: String) { skills(filter: { category: $v }) { totalCount } }",
            json!(nul),
            "filter.category",
        ),
        (
            "query($v: String) { consultants(filter: { text: $v }) { totalCount } }",
            json!(nul),
            "filter.text",
        ),
        (
            "query($v: String) { tenders(filter: { text: $v }) { totalCount } }",
            json!(nul),
            "filter.text",
        ),
        (
            "mutation($v: String!) { createCompany(input: { name: $v }) { id } }",
            json!(nul),
            "name",
        ),
        (
            "mutation($v: String!) { createSkill(input: { name: $v }) { id } }",
            json!(nul),
            "name",
        ),
        (
            "mutation($v: String!) { inviteUser(input: { email: $v, role: MANAGER }) { id } }",
            json!(format!("x{nul}@y.test")),
            "email",
        ),
    ];
    for (query, value, field) in cases {
        let body = app
            .gql(agency.admin.token(), query, json!({ "v": value }))
            .await;
        let error = &body["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{query}: {body}"
        );
        assert!(
            error["extensions"]["fields"][field].is_string(),
            "{query} should name {field}: {body}"
        );
    }
    // Nothing was written and the server still answers.
    let body = app
        .gql(
            agency.admin.token(),
            "{ companies { totalCount } skills { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["companies"]["totalCount"], 0);
    assert_eq!(data(&body)["skills"]["totalCount"], 0);
}
