// The browser test: drives Debian's headless Chromium (playwright-core, no downloaded browser)
// against a running `talentgraph serve --demo`. Run by tests/it/browser.rs against a server it
// boots (SQLite and PostgreSQL), or by hand: `node e2e/run.mjs http://127.0.0.1:8080`.
//
// Environment: CHROMIUM (default /usr/bin/chromium), ARTIFACTS (screenshots; default
// e2e/artifacts). Exits non-zero with the reason on the first failed expectation.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.argv[2] ?? process.env.TG_URL ?? "http://127.0.0.1:8080";
const artifacts = process.env.ARTIFACTS ?? join(import.meta.dirname, "artifacts");
mkdirSync(artifacts, { recursive: true });
const origin = new URL(base).origin;
const TIMEOUT = 15_000;
const seen = [];

function log(line) {
  seen.push(line);
  console.log(line);
}

function expect(cond, what) {
  if (!cond) throw new Error(`expected: ${what}`);
  log(`ok - ${what}`);
}

async function gql(query, variables = {}, token) {
  const response = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function login(email) {
  const d = await gql(
    `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`,
    { i: { tenantSlug: "demo", email, password: "talentgraph-demo" } },
  );
  return d.login.accessToken;
}

// What the test works on: a new DRAFT tender of the CLIENT user's company, asking for skills
// the demo consultants have, and a manual workflow.
async function setUp() {
  const admin = await login("admin@demo.talentgraph.dev");
  const client = await login("client@demo.talentgraph.dev");
  const { me } = await gql(`{ me { companyId } }`, {}, client);
  const title = `Browser test ${Date.now()}`;
  const { createTender } = await gql(
    `mutation($i: CreateTenderInput!) { createTender(input: $i) { id } }`,
    { i: { companyId: me.companyId, title, remoteAllowed: true } },
    admin,
  );
  const { skills } = await gql(`{ skills(first: 3) { edges { node { id } } } }`, {}, admin);
  await gql(
    `mutation($i: SetTenderSkillsInput!) { setTenderSkills(input: $i) { id } }`,
    { i: { tenderId: createTender.id, skills: skills.edges.map((e) => ({ skillId: e.node.id, importance: "REQUIRED", minLevel: "BEGINNER" })) } },
    admin,
  );
  const workflowName = `Browser run ${Date.now()}`;
  await gql(
    `mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { id } }`,
    { i: { name: workflowName, trigger: { kind: "MANUAL" }, steps: [{ kind: "SEND_EMAIL", config: { to: "ops@example.com", subject: "Hello", body: "From the browser test" } }] } },
    admin,
  );
  return { title, tenderId: createTender.id, workflowName };
}

async function newPage(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith("http") && url.origin !== origin) external.push(`${name}: ${r.url()}`);
    if (url.protocol.startsWith("ws") && url.host !== new URL(origin).host) external.push(`${name}: ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${name}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${name}: ${e.message}`));
  return page;
}

const external = [];
const consoleErrors = [];

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function signInAs(page, role) {
  await page.click(`button[data-role="${role}"]`);
  await page.waitForSelector(`[data-testid="signed-in"] >> text=${role}`);
}

async function graphiql(browser, { tenderId }) {
  const page = await newPage(browser, "graphiql");
  await page.goto(`${origin}/graphiql`);
  await page.waitForSelector(".graphiql-container");
  for (const role of ["ADMIN", "MANAGER", "CONSULTANT", "CLIENT"]) {
    if (role !== "ADMIN") {
      await page.click('[data-testid="signed-in"] button');
    }
    await signInAs(page, role);
    await setQuery(page, "{ me { fullName role } }");
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(
      (r) => document.querySelector(".result-window")?.textContent?.includes(`"role": "${r}"`),
      role,
    );
    const result = await page.textContent(".result-window");
    expect(result.includes(`"role": "${role}"`) && !result.includes('"errors"'), `GraphiQL runs a query as ${role}`);
    // The explorer shows that role's schema: a CLIENT has no auditEvents.
    const fields = await page.evaluate(async () => {
      const token = JSON.parse(sessionStorage.getItem("talentgraph.session")).accessToken;
      const r = await fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "{ __schema { queryType { fields { name } } } }" }),
      });
      return (await r.json()).data.__schema.queryType.fields.map((f) => f.name);
    });
    expect(fields.includes("auditEvents") === (role === "ADMIN"), `${role}'s schema ${role === "ADMIN" ? "has" : "has no"} auditEvents`);
    // GraphiQL itself checks documents against the role's schema: auditEvents is an error
    // for every role but ADMIN.
    await setQuery(page, "{ auditEvents(first: 1) { totalCount } }");
    const flagged = await page
      .waitForSelector(".graphiql-query-editor .CodeMirror-lint-mark-error", { timeout: role === "ADMIN" ? 1500 : 5000 })
      .then(() => true, () => false);
    expect(flagged === (role !== "ADMIN"), `GraphiQL's editor ${flagged ? "flags" : "accepts"} auditEvents as ${role}`);
    await shot(page, `graphiql-${role.toLowerCase()}`);
    if (role === "ADMIN") await subscribeInGraphiql(page, tenderId);
  }
  await page.close();
}

// A subscription run from GraphiQL over /graphql/ws: the event arrives when the tender changes.
async function subscribeInGraphiql(page, tenderId) {
  const marker = `changed from elsewhere ${Date.now()}`;
  await setQuery(page, `subscription { tenderUpdated(id: "${tenderId}") { kind tender { description } } }`);
  await page.click(".graphiql-execute-button");
  // The socket subscribes in the background: change the tender until the event shows (each
  // change is an event; the first ones may come before the subscription started).
  const admin = await login("admin@demo.talentgraph.dev");
  let shown = false;
  for (let attempt = 0; attempt < 20 && !shown; attempt++) {
    await gql(
      `mutation($i: UpdateTenderInput!) { updateTender(input: $i) { id } }`,
      { i: { id: tenderId, description: `${marker} #${attempt}` } },
      admin,
    );
    shown = await page
      .waitForFunction((m) => document.querySelector(".result-window")?.textContent?.includes(m), marker, { timeout: 1000 })
      .then(() => true, () => false);
  }
  expect(shown, "the subscription's event shows in GraphiQL");
  expect(true, "GraphiQL runs a subscription over /graphql/ws and shows the event");
  await shot(page, "graphiql-subscription");
  await page.click(".graphiql-execute-button"); // stops it
}

async function setQuery(page, text) {
  await page.waitForSelector(".graphiql-query-editor .CodeMirror");
  await page.evaluate((q) => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(q), text);
}

async function dashboard(browser, { title, tenderId, workflowName }) {
  const admin = await newPage(browser, "admin");
  await admin.goto(`${origin}/playground`);
  await signInAs(admin, "ADMIN");
  await admin.waitForSelector('[data-testid="tender-counts"] [data-status="OPEN"]');
  await admin.click('[role="tab"][data-status="DRAFT"]');
  await admin.click(`[data-testid="tender-row"][data-id="${tenderId}"]`);
  await admin.waitForSelector('[data-testid="tender-board"][data-status="DRAFT"]');
  expect((await admin.textContent('[data-testid="tender-board"] h2')) === title, "ADMIN opens the new DRAFT tender");
  await shot(admin, "1-admin-draft");
  await admin.click('button[data-action="publish"]');
  await admin.waitForSelector('[data-testid="tender-board"][data-status="OPEN"]');
  expect(true, "ADMIN publishes it: the board shows OPEN");
  await admin.click('button[data-action="generate"]');
  await admin.waitForSelector('[data-testid="match-card"]');
  const cards = await admin.$$eval('[data-testid="match-card"]', (els) => els.map((e) => e.dataset.status));
  expect(cards.length > 0 && cards.every((s) => s === "PENDING"), `ADMIN generates matches and sees ${cards.length} PENDING appear without a reload`);
  const scores = await admin.$$eval('[data-testid="match-card"] .tg-score', (els) => els.map((e) => Number(e.textContent.replace("%", ""))));
  expect(scores.every((s, i) => i === 0 || scores[i - 1] >= s), "matches are ranked by score");
  await shot(admin, "2-admin-generated");
  const first = await admin.getAttribute('[data-testid="match-card"]', "data-id");
  await admin.click(`[data-testid="match-card"][data-id="${first}"] button[data-action="propose"]`);
  await admin.waitForSelector(`[data-testid="match-card"][data-id="${first}"][data-status="PROPOSED"]`);
  expect(true, "ADMIN proposes the best match");

  const client = await newPage(browser, "client");
  await client.goto(`${origin}/playground`);
  await signInAs(client, "CLIENT");
  await client.click('[role="tab"][data-status="OPEN"]');
  await client.click(`[data-testid="tender-row"][data-id="${tenderId}"]`);
  await client.waitForSelector(`[data-testid="match-card"][data-id="${first}"]`);
  const clientCards = await client.$$eval('[data-testid="match-card"]', (els) => els.map((e) => e.dataset.status));
  expect(clientCards.length === 1 && clientCards[0] === "PROPOSED", "CLIENT sees only the proposed match");
  for (const action of ["publish", "generate", "propose"]) {
    expect((await client.$(`button[data-action="${action}"]`)) === null, `CLIENT has no ${action} button`);
  }
  expect((await client.$("section.tg-automation")) === null, "CLIENT sees no automation");
  await shot(client, "3-client-proposed");
  await client.click(`[data-testid="match-card"][data-id="${first}"] button[data-action="accept"]`);
  await client.waitForSelector(`[data-testid="match-card"][data-id="${first}"][data-status="ACCEPTED"]`);
  expect(true, "CLIENT accepts it");
  await shot(client, "4-client-accepted");

  // The ADMIN's board follows without a reload.
  await admin.waitForSelector(`[data-testid="match-card"][data-id="${first}"][data-status="ACCEPTED"]`);
  expect(true, "the ADMIN's board shows ACCEPTED without a reload (matchUpdated)");
  await admin.waitForFunction(() => {
    const n = document.querySelector('[data-testid="match-funnel"] [data-status="ACCEPTED"] dd');
    return n && Number(n.textContent) > 0;
  });
  expect(true, "the ADMIN's funnel counts the acceptance");
  await shot(admin, "5-admin-accepted");

  // Automation: a manual run's steps move live.
  await admin.click(`[data-testid="workflow-row"] >> text=${workflowName}`);
  await admin.click('button[data-action="run"]');
  await admin.waitForSelector('[data-testid="run-row"][data-status="SUCCEEDED"]');
  expect(true, "ADMIN starts a workflow run and sees it reach SUCCEEDED live (workflowRunUpdated)");
  await admin.locator("section.tg-automation").scrollIntoViewIfNeeded();
  await shot(admin, "6-admin-automation");
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let failed = false;
try {
  const fixture = await setUp();
  await graphiql(browser, fixture);
  await dashboard(browser, fixture);
  expect(external.length === 0, `no request to another host (${external.join(", ") || "none"})`);
  expect(consoleErrors.length === 0, `no error in the browser console (${consoleErrors.join(" | ") || "none"})`);
} catch (e) {
  failed = true;
  console.error(`not ok - ${e.message}`);
  if (consoleErrors.length) console.error(`browser console: ${consoleErrors.join(" | ")}`);
  for (const ctx of browser.contexts()) {
    for (const [i, p] of ctx.pages().entries()) {
      await p.screenshot({ path: join(artifacts, `failure-${i}-${Date.now()}.png`), fullPage: true }).catch(() => {});
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
