// Signing in, shared by GraphiQL and the dashboard: a session is the `login` mutation's
// tokens plus who signed in. The mutations are sent by the hash graphql-codegen gave them
// (trusted documents), never as text. It is kept in sessionStorage (per tab), so two tabs can be two
// roles side by side.

import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { SignInDocument, SignOutDocument } from "../gql/client/graphql";

export type Role = "ADMIN" | "MANAGER" | "CONSULTANT" | "CLIENT";

export interface Session {
  accessToken: string;
  refreshToken: string;
  fullName: string;
  role: Role;
  email: string;
}

/// `serve --demo` marks the pages so that each demo login is one click away.
export function demoMode(): boolean {
  const meta = document.querySelector('meta[name="talentgraph-mode"]');
  return meta?.getAttribute("content") === "demo";
}

export const DEMO_SLUG = "demo";
export const DEMO_PASSWORD = "talentgraph-demo";
export const DEMO_LOGINS: { role: Role; email: string }[] = [
  { role: "ADMIN", email: "admin@demo.talentgraph.dev" },
  { role: "MANAGER", email: "manager@demo.talentgraph.dev" },
  { role: "CONSULTANT", email: "consultant@demo.talentgraph.dev" },
  { role: "CLIENT", email: "client@demo.talentgraph.dev" },
];

const KEY = "talentgraph.session";

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export const GRAPHQL_URL = "/graphql";

export function websocketUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql/ws`;
}

interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

/// Runs a generated document by its hash (`extensions.persistedQuery`); by its text when the
/// server does not know the hash (a server with `TALENTGRAPH_PLAYGROUND=false`).
async function post<R, V>(document: TypedDocumentNode<R, V>, variables: V, token?: string): Promise<R> {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  const send = (request: object) =>
    fetch(GRAPHQL_URL, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ variables, ...request }),
    });
  let response = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
  let body = (await response.json()) as { data?: R; errors?: GraphQLError[] };
  if (body.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") {
    response = await send({ query: print(document) });
    body = (await response.json()) as { data?: R; errors?: GraphQLError[] };
  }
  if (body.errors?.length || !body.data) {
    const e = body.errors?.[0];
    if (!e) throw new Error(`HTTP ${response.status}`);
    throw new Error(e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message);
  }
  return body.data;
}

/// Signs in with real credentials (the `login` mutation).
export async function signIn(tenantSlug: string, email: string, password: string): Promise<Session> {
  const { login } = await post(SignInDocument, { input: { tenantSlug, email, password } });
  return {
    accessToken: login.accessToken,
    refreshToken: login.refreshToken,
    fullName: login.user.fullName,
    role: login.user.role as Role,
    email: login.user.email,
  };
}

/// Ends the session on the server: its refresh token and its access token are refused from now.
export async function signOut(session: Session): Promise<void> {
  try {
    await post(SignOutDocument, { refreshToken: session.refreshToken }, session.accessToken);
  } catch {
    // Signed out locally either way.
  }
}
