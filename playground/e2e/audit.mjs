// graphql-http's audit of the GraphQL over HTTP spec against a running server: prints each
// failed or warned check and the counts per requirement level as JSON on the last line.
// Run by tests/it/graphql_http.rs, or by hand: `node e2e/audit.mjs http://127.0.0.1:8080/graphql`.
import { auditServer } from "graphql-http";

const url = process.argv[2] ?? "http://127.0.0.1:8080/graphql";
const results = await auditServer({ url });
const counts = {};
for (const r of results) {
  const level = r.name.split(" ")[0]; // MUST, SHOULD or MAY
  counts[level] ??= { ok: 0, warn: 0, error: 0 };
  counts[level][r.status] = (counts[level][r.status] ?? 0) + 1;
  if (r.status !== "ok") console.log(`${r.status} ${r.id} ${r.name}${r.reason ? ` (${r.reason})` : ""}`);
}
console.log(JSON.stringify(counts));
