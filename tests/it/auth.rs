//! Sign-up, sign-in, tokens and sessions (DESIGN §6).

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::agency::AUTH_FIELDS;
use crate::helpers::{JWT_SECRET, PASSWORD, Session, TestApp, code, data, unique};

const ME: &str = "{ me { id email role active tenant { slug } } }";

#[tokio::test]
async fn sign_up_creates_an_organisation_and_signs_the_admin_in() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app.gql(agency.admin.token(), ME, json!({})).await;
    let me = &data(&body)["me"];
    assert_eq!(me["email"], agency.admin.email);
    assert_eq!(me["role"], "ADMIN");
    assert_eq!(me["active"], true);
    assert_eq!(me["tenant"]["slug"], agency.slug);
}

#[tokio::test]
async fn sign_up_rejects_bad_input_naming_every_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let slug = format!("s-{}", unique());
    let query = format!("mutation($i: SignUpInput!) {{ signUp(input: $i) {{ {AUTH_FIELDS} }} }}");
    let body = app
        .anon(
            &query,
            json!({ "i": { "organizationName": " ", "slug": slug, "email": "nope", "password": "short", "fullName": "Ada" } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let fields = &body["errors"][0]["extensions"]["fields"];
    for field in ["organizationName", "email", "password"] {
        assert!(fields[field].is_string(), "missing {field}: {body}");
    }
    assert!(fields.get("slug").is_none(), "{body}");
    // Nothing was half-written: the slug is still free.
    let ok = app
        .anon(
            &query,
            json!({ "i": { "organizationName": "Acme", "slug": slug, "email": "a@acme.test", "password": PASSWORD, "fullName": "Ada" } }),
        )
        .await;
    data(&ok);
}

#[tokio::test]
async fn duplicate_slug_is_a_conflict_on_slug() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app
        .anon(
            &format!("mutation($i: SignUpInput!) {{ signUp(input: $i) {{ {AUTH_FIELDS} }} }}"),
            json!({ "i": { "organizationName": "Copy", "slug": agency.slug.to_uppercase(), "email": "x@y.test", "password": PASSWORD, "fullName": "X" } }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    assert!(body["errors"][0]["extensions"]["fields"]["slug"].is_string());
}

#[tokio::test]
async fn login_answers_the_same_for_unknown_email_wrong_password_and_unknown_organisation() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let ok = agency
        .login(&app, &agency.admin.email.to_uppercase(), PASSWORD)
        .await;
    data(&ok);
    let wrong_password = agency
        .login(&app, &agency.admin.email, "wrong password!")
        .await;
    let unknown_email = agency.login(&app, "nobody@nowhere.test", PASSWORD).await;
    let unknown_org = app
        .anon(
            &format!("mutation($i: LoginInput!) {{ login(input: $i) {{ {AUTH_FIELDS} }} }}"),
            json!({ "i": { "tenantSlug": "no-such-org", "email": agency.admin.email, "password": PASSWORD } }),
        )
        .await;
    for body in [&wrong_password, &unknown_email, &unknown_org] {
        assert_eq!(code(body), "UNAUTHENTICATED", "{body}");
        assert_eq!(
            body["errors"][0]["message"],
            wrong_password["errors"][0]["message"]
        );
        assert!(body["data"].is_null(), "{body}");
    }
}

#[tokio::test]
async fn repeated_failures_from_one_source_make_it_wait_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    for _ in 0..5 {
        let body = agency
            .login(&app, &agency.admin.email, "wrong password!")
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    let body = agency.login(&app, &agency.admin.email, PASSWORD).await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    assert!(
        body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .unwrap_or(0)
            > 0
    );
    // Another account of the same organisation is unaffected.
    let other = agency.member(&app, "MANAGER").await;
    data(&agency.login(&app, &other.email, PASSWORD).await);
}

#[tokio::test]
async fn aliased_logins_in_one_request_count_one_attempt_each() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let attempts: Vec<String> = (0..7)
        .map(|i| {
            format!(
                "a{i}: login(input: {{ tenantSlug: \"{}\", email: \"{}\", password: \"guess-{i}-guess\" }}) {{ accessToken }}",
                agency.slug, agency.admin.email
            )
        })
        .collect();
    let body = app
        .anon(&format!("mutation {{ {} }}", attempts.join(" ")), json!({}))
        .await;
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["extensions"]["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "UNAUTHENTICATED").count(),
        5,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "RATE_LIMITED").count(),
        2,
        "{codes:?}"
    );
}

#[tokio::test]
async fn failures_from_one_ip_are_throttled_across_accounts() {
    let app = TestApp::spawn_with(|c| c.throttle.ip_max_failures = 3).await;
    let agency = app.agency().await;
    for i in 0..3 {
        let body = agency
            .login(&app, &format!("user{i}@nowhere.test"), "wrong password!")
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    let body = agency.login(&app, &agency.admin.email, PASSWORD).await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
}

fn forge(claims: Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("encode")
}

fn claims_of(session: &Session) -> Value {
    let payload = session.access.split('.').nth(1).expect("payload");
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
        .expect("b64");
    serde_json::from_slice(&bytes).expect("claims")
}

async fn status_and_code(app: &TestApp, token: &str) -> (u16, String) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    (status, code(&body).to_owned())
}

#[tokio::test]
async fn forged_or_stale_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let good = claims_of(&agency.admin);
    assert_eq!(
        status_and_code(&app, &agency.admin.access).await,
        (200, "<none>".to_owned())
    );
    let now = chrono::Utc::now().timestamp();

    let mut tampered = agency.admin.access.clone();
    tampered.pop();
    tampered.push(if agency.admin.access.ends_with('A') {
        'B'
    } else {
        'A'
    });

    let header_none = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        r#"{"alg":"none","typ":"JWT"}"#,
    );
    let payload = agency.admin.access.split('.').nth(1).expect("payload");
    let alg_none = format!("{header_none}.{payload}.");

    let with = |key: &str, value: Value| {
        let mut c = good.clone();
        c[key] = value;
        forge(c, JWT_SECRET.as_bytes())
    };
    let cases = [
        ("tampered signature", tampered),
        ("alg none", alg_none),
        ("wrong audience", with("aud", json!("someone-else"))),
        ("wrong issuer", with("iss", json!("evil"))),
        ("expired", with("exp", json!(now - 3600))),
        (
            "wrong secret",
            forge(
                good.clone(),
                b"another-secret-another-secret-another-secret",
            ),
        ),
        (
            "refresh token as access token",
            agency.admin.refresh.clone(),
        ),
        ("garbage", "not-a-jwt".to_owned()),
    ];
    for (name, token) in cases {
        assert_eq!(
            status_and_code(&app, &token).await,
            (401, "UNAUTHENTICATED".to_owned()),
            "{name}"
        );
    }
    // The forge helper itself is sound: unchanged claims re-signed with the right secret pass.
    assert_eq!(
        status_and_code(&app, &forge(good.clone(), JWT_SECRET.as_bytes()))
            .await
            .0,
        200
    );
}

async fn refresh(app: &TestApp, token: &str) -> Value {
    app.anon(
        &format!(
            "mutation($t: String!) {{ refreshSession(refreshToken: $t) {{ {AUTH_FIELDS} }} }}"
        ),
        json!({ "t": token }),
    )
    .await
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    // No grace: any second presentation counts as reuse.
    let app = TestApp::spawn_with(|c| c.auth.refresh_reuse_grace = std::time::Duration::ZERO).await;
    let agency = app.agency().await;
    let first = refresh(&app, &agency.admin.refresh).await;
    let second = Session::from_payload(&data(&first)["refreshSession"], &agency.admin.email);
    assert_ne!(second.refresh, agency.admin.refresh);
    data(&app.gql(second.token(), ME, json!({})).await);

    // Presenting the spent token again is reuse: refused, and the whole family dies.
    let reuse = refresh(&app, &agency.admin.refresh).await;
    assert_eq!(code(&reuse), "UNAUTHENTICATED", "{reuse}");
    let after = refresh(&app, &second.refresh).await;
    assert_eq!(code(&after), "UNAUTHENTICATED", "{after}");
    // The access tokens already handed out end too, and the event is audited.
    assert_eq!(
        status_and_code(&app, &second.access).await.1,
        "UNAUTHENTICATED"
    );
    // Other sign-ins are separate families.
    let fresh = agency.login(&app, &agency.admin.email, PASSWORD).await;
    let fresh = Session::from_payload(&data(&fresh)["login"], &agency.admin.email);
    let renewed = refresh(&app, &fresh.refresh).await;
    let renewed = Session::from_payload(&data(&renewed)["refreshSession"], &agency.admin.email);
    let audit = app
        .gql(
            renewed.token(),
            "{ auditEvents(first: 5, filter: { action: \"auth.refresh_reuse_detected\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&audit)["auditEvents"]["totalCount"], 1, "{audit}");
}

#[tokio::test]
async fn two_concurrent_refreshes_of_one_token_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let (a, b) = tokio::join!(
        refresh(&app, &agency.admin.refresh),
        refresh(&app, &agency.admin.refresh)
    );
    let wins: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|r| r.get("errors").is_none())
        .collect();
    assert_eq!(wins.len(), 1, "{a}\n{b}");
    // The loser of the race does not take the winner's session down with it.
    let winner = Session::from_payload(&wins[0]["data"]["refreshSession"], &agency.admin.email);
    data(&app.gql(winner.token(), ME, json!({})).await);
    data(&refresh(&app, &winner.refresh).await);
}

#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_account_throttle() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let guesses = (0..12).map(|i| {
        let agency = &agency;
        let app = &app;
        async move {
            agency
                .login(app, &agency.admin.email, &format!("guess number {i}"))
                .await
        }
    });
    let bodies = futures_util::future::join_all(guesses).await;
    let checked = bodies
        .iter()
        .filter(|b| code(b) == "UNAUTHENTICATED")
        .count();
    let limited = bodies.iter().filter(|b| code(b) == "RATE_LIMITED").count();
    assert!(checked <= 5, "{checked} guesses were checked");
    assert_eq!(checked + limited, 12);
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_and_audited() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mutation = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) }";
    let vars = json!({ "i": { "currentPassword": "a wrong guess", "newPassword": "a new long password" } });
    for _ in 0..5 {
        let body = app.gql(agency.admin.token(), mutation, vars.clone()).await;
        assert_eq!(code(&body), "BAD_USER_INPUT");
    }
    let body = app.gql(agency.admin.token(), mutation, vars).await;
    assert_eq!(code(&body), "RATE_LIMITED");
    let audit = app
        .gql(
            agency.admin.token(),
            "{ auditEvents(first: 10, filter: { action: \"user.password_change_failed\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&audit)["auditEvents"]["totalCount"], 5);
}

#[tokio::test]
async fn logout_ends_the_refresh_session() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app
        .anon(
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": agency.admin.refresh }),
        )
        .await;
    assert_eq!(data(&body)["logout"], true);
    assert_eq!(
        code(&refresh(&app, &agency.admin.refresh).await),
        "UNAUTHENTICATED"
    );
    // Unknown tokens answer the same, telling nothing.
    let body = app
        .anon("mutation { logout(refreshToken: \"nope\") }", json!({}))
        .await;
    assert_eq!(data(&body)["logout"], true);
}

#[tokio::test]
async fn change_password_ends_every_session() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mutation = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) }";
    let wrong = app
        .gql(agency.admin.token(), mutation, json!({ "i": { "currentPassword": "not it at all", "newPassword": "a new long password" } }))
        .await;
    assert_eq!(code(&wrong), "BAD_USER_INPUT");
    assert!(wrong["errors"][0]["extensions"]["fields"]["currentPassword"].is_string());
    let short = app
        .gql(
            agency.admin.token(),
            mutation,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "short" } }),
        )
        .await;
    assert!(
        short["errors"][0]["extensions"]["fields"]["newPassword"].is_string(),
        "{short}"
    );

    let ok = app
        .gql(
            agency.admin.token(),
            mutation,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "a new long password" } }),
        )
        .await;
    assert_eq!(data(&ok)["changePassword"], true);
    assert_eq!(
        status_and_code(&app, &agency.admin.access).await.1,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        code(&refresh(&app, &agency.admin.refresh).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        code(&agency.login(&app, &agency.admin.email, PASSWORD).await),
        "UNAUTHENTICATED"
    );
    data(
        &agency
            .login(&app, &agency.admin.email, "a new long password")
            .await,
    );
}

#[tokio::test]
async fn invitations_are_single_use_and_give_the_invited_role() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    for role in ["MANAGER", "CONSULTANT", "CLIENT", "ADMIN"] {
        let member = agency.member(&app, role).await;
        let body = app.gql(member.token(), ME, json!({})).await;
        assert_eq!(data(&body)["me"]["role"], role);
    }
    let email = format!("twice-{}@x.test", unique());
    let token = agency.invite(&app, &email, "MANAGER").await;
    let accept = format!(
        "mutation($i: AcceptInvitationInput!) {{ acceptInvitation(input: $i) {{ {AUTH_FIELDS} }} }}"
    );
    let vars = json!({ "i": { "token": token, "password": PASSWORD, "fullName": "Twice" } });
    data(&app.anon(&accept, vars.clone()).await);
    let again = app.anon(&accept, vars).await;
    assert_eq!(code(&again), "BAD_USER_INPUT", "{again}");
    // Inviting an existing member is a conflict on email.
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: InviteUserInput!) { inviteUser(input: $i) { id } }",
            json!({ "i": { "email": email.to_uppercase(), "role": "CLIENT" } }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    assert!(body["errors"][0]["extensions"]["fields"]["email"].is_string());
}

#[tokio::test]
async fn unknown_email_costs_the_same_password_work_as_a_wrong_password() {
    // A loose bound, interleaved so both sides share the machine's noise: the point is that an
    // unknown e-mail is not answered without the argon2 work (which would be several times faster).
    let app = TestApp::spawn_with(|c| c.throttle.account_max_failures = 1_000).await;
    let agency = app.agency().await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..7 {
        let started = std::time::Instant::now();
        agency
            .login(&app, &agency.admin.email, "wrong password!")
            .await;
        known.push(started.elapsed());
        let started = std::time::Instant::now();
        agency
            .login(&app, &format!("ghost{i}@nowhere.test"), "wrong password!")
            .await;
        unknown.push(started.elapsed());
    }
    known.sort();
    unknown.sort();
    let ratio = unknown[3].as_secs_f64() / known[3].as_secs_f64();
    assert!(
        (0.4..2.5).contains(&ratio),
        "median unknown/known = {ratio:.2} ({unknown:?} vs {known:?})"
    );
}

/// One POST of 10 operations × 30 aliased `signUp` used to create 300 organisations: every
/// `signUp` field now counts against the client IP's quota.
#[tokio::test]
async fn aliased_sign_ups_in_a_batch_create_no_more_than_the_quota() {
    let app = TestApp::spawn_with(|c| {
        c.throttle.signups_per_ip_per_hour = 5;
        c.limits.max_batch = 10;
    })
    .await;
    let run = crate::helpers::unique();
    let operation = |op: usize| {
        let fields: String = (0..30)
            .map(|i| {
                format!(
                    "s{i}: signUp(input: {{ organizationName: \"Org\", slug: \"m-{run}-{op}-{i}\", email: \"a{i}@m.test\", password: \"{PASSWORD}\", fullName: \"A\" }}) {{ user {{ id }} }} "
                )
            })
            .collect();
        json!({ "query": format!("mutation {{ {fields} }}") })
    };
    let batch: Vec<Value> = (0..10).map(operation).collect();
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&batch)
        .send()
        .await
        .expect("batch");
    let bodies: Vec<Value> = response.json().await.expect("json");
    let created: usize = bodies
        .iter()
        .map(|b| {
            b["data"]
                .as_object()
                .map_or(0, |d| d.values().filter(|v| !v.is_null()).count())
        })
        .sum();
    assert_eq!(created, 5);
    let limited = bodies
        .iter()
        .flat_map(|b| b["errors"].as_array().cloned().unwrap_or_default())
        .filter(|e| e["extensions"]["code"] == "RATE_LIMITED")
        .count();
    assert_eq!(limited, 295);
    let body = app
        .anon(
            "mutation($s: String!) { signUp(input: { organizationName: \"Late\", slug: $s, email: \"l@m.test\", password: \"correct horse battery\", fullName: \"L\" }) { user { id } } }",
            json!({ "s": format!("late-{run}") }),
        )
        .await;
    assert_eq!(code(&body), "RATE_LIMITED");
    // Another source still signs up.
    let other = TestApp::client_from("127.0.0.2");
    let body = app
        .gql_via(
            &other,
            None,
            "mutation($s: String!) { signUp(input: { organizationName: \"Other\", slug: $s, email: \"o@m.test\", password: \"correct horse battery\", fullName: \"O\" }) { user { id } } }",
            json!({ "s": format!("other-{run}") }),
        )
        .await;
    data(&body);
}

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";

fn login_vars(agency: &crate::helpers::Agency, password: &str) -> Value {
    json!({ "i": { "tenantSlug": agency.slug, "email": agency.admin.email, "password": password } })
}

/// Six wrong passwords from one IP used to lock the account for 15 minutes everywhere. Now
/// the attacker's own source waits, longer each time, and the owner signing in from elsewhere
/// gets in.
#[tokio::test]
async fn an_attackers_failures_slow_the_attacker_not_the_owner() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let attacker = TestApp::client_from("127.0.0.2");
    for _ in 0..5 {
        let body = app
            .gql_via(&attacker, None, LOGIN, login_vars(&agency, "a wrong guess"))
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    let retry = |body: &Value| body["errors"][0]["extensions"]["retryAfterSeconds"].as_u64();
    let body = app
        .gql_via(&attacker, None, LOGIN, login_vars(&agency, "a wrong guess"))
        .await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    assert_eq!(retry(&body), Some(1));
    // Even the right password waits, from that source.
    let body = app
        .gql_via(&attacker, None, LOGIN, login_vars(&agency, PASSWORD))
        .await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");

    // The owner, elsewhere, signs in at once.
    data(&app.gql(None, LOGIN, login_vars(&agency, PASSWORD)).await);

    // After the wait the attacker may try once more, then waits twice as long.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let body = app
        .gql_via(&attacker, None, LOGIN, login_vars(&agency, "a wrong guess"))
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    let body = app
        .gql_via(&attacker, None, LOGIN, login_vars(&agency, "a wrong guess"))
        .await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    assert_eq!(retry(&body), Some(2));
    data(&app.gql(None, LOGIN, login_vars(&agency, PASSWORD)).await);
}

/// Many sources guessing together still hit the account's budget: the backstop blocks the
/// account for everyone.
#[tokio::test]
async fn the_account_budget_still_stops_distributed_guessing() {
    let app = TestApp::spawn_with(|c| c.throttle.account_max_failures = 8).await;
    let agency = app.agency().await;
    for source in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] {
        let client = TestApp::client_from(source);
        for _ in 0..3 {
            app.gql_via(&client, None, LOGIN, login_vars(&agency, "a wrong guess"))
                .await;
        }
    }
    let body = app.gql(None, LOGIN, login_vars(&agency, PASSWORD)).await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
}

/// `logout` with the access token in `Authorization` ends that token too, on every instance.
#[tokio::test]
async fn logout_ends_the_access_token_on_every_instance() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.another_instance().await;
    let me = "{ me { id } }";
    data(&other.gql(agency.admin.token(), me, json!({})).await);
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": agency.admin.refresh }),
        )
        .await;
    assert_eq!(data(&body)["logout"], true);
    for instance in [&app, &other] {
        let response = instance
            .client
            .post(instance.url("/graphql"))
            .bearer_auth(&agency.admin.access)
            .json(&json!({ "query": me }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 401);
    }
    // A fresh sign-in works as before.
    let body = agency.login(&app, &agency.admin.email, PASSWORD).await;
    let token = data(&body)["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    data(&other.gql(Some(&token), me, json!({})).await);
}

/// Where the owner signed in before, the account-wide backstop does not keep them out: many
/// sources guessing together block the account for everyone else, not for the owner's usual
/// network.
#[tokio::test]
async fn the_owner_s_usual_network_is_not_blocked_by_distributed_guessing() {
    let app = TestApp::spawn_with(|c| c.throttle.account_max_failures = 8).await;
    let agency = app.agency().await;
    // The owner signs in from their usual network (127.0.0.1) once.
    data(&app.gql(None, LOGIN, login_vars(&agency, PASSWORD)).await);
    for source in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] {
        let client = TestApp::client_from(source);
        for _ in 0..3 {
            app.gql_via(&client, None, LOGIN, login_vars(&agency, "a wrong guess"))
                .await;
        }
    }
    // A source the account never signed in from is blocked...
    let stranger = TestApp::client_from("127.0.0.5");
    let body = app
        .gql_via(&stranger, None, LOGIN, login_vars(&agency, PASSWORD))
        .await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    // ...the owner's usual one is not.
    data(&app.gql(None, LOGIN, login_vars(&agency, PASSWORD)).await);
}
