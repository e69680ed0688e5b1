// GraphiQL, served by the binary with every asset embedded: signed in (one click per demo
// role in demo mode, a form otherwise), it sends `Authorization: Bearer …` with every HTTP
// request and in the WebSocket's `connection_init`, and fetches the schema again, so the
// explorer shows exactly what that role may use.
import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import { getOperationAST, parse } from "graphql";
import { createClient } from "graphql-ws";
import { StrictMode, useEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { SignIn } from "../lib/SignIn";
import { GRAPHQL_URL, loadSession, saveSession, signOut, websocketUrl, type Session } from "../lib/session";
import "../lib/style.css";
import "./graphiql.css";

const DEFAULT_QUERY = `# Signed in, the explorer (book icon) shows what your role may use.
{
  me { fullName role }
  tenders(first: 5) { totalCount edges { node { title status } } }
}
`;

function isSubscription(query: string, operationName?: string | null): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === "subscription";
  } catch {
    return false; // The server says what is wrong with it.
  }
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);

  const { fetcher, wsClient } = useMemo(() => {
    const auth = session ? { Authorization: `Bearer ${session.accessToken}` } : undefined;
    const wsClient = createClient({
      url: websocketUrl(),
      lazy: true,
      connectionParams: auth ?? {},
    });
    const http = createGraphiQLFetcher({ url: GRAPHQL_URL, headers: auth });
    // Subscriptions, named or not, go over the WebSocket; the rest over HTTP.
    const fetcher: Fetcher = (params, opts) =>
      isSubscription(params.query, params.operationName)
        ? (wsClient.iterate({
            query: params.query,
            variables: params.variables ?? undefined,
            operationName: params.operationName ?? undefined,
          }) as ReturnType<Fetcher>) // results as the server sent them, errors in JSON form
        : // The toolkit would route by GraphiQL's last parse, which can lag the editor.
          http(params, { ...opts, documentAST: undefined });
    return { fetcher, wsClient };
  }, [session]);
  // A signed-out or replaced session's socket (and its subscriptions) ends with it.
  useEffect(() => () => void wsClient.dispose(), [wsClient]);

  const use = (s: Session | null) => {
    saveSession(s);
    setSession(s);
  };

  return (
    <div className="tg-graphiql">
      <header className="tg-bar">
        <strong>talentgraph GraphiQL</strong>
        {session ? (
          <span className="tg-who" data-testid="signed-in">
            {session.fullName} · <b>{session.role}</b>
            <button
              type="button"
              onClick={async () => {
                await signOut(session);
                use(null);
              }}
            >
              Sign out
            </button>
          </span>
        ) : (
          <SignIn onSession={use} />
        )}
        <a href="/playground">dashboard</a>
      </header>
      <main>
        {/* The fetcher signs every request (the headers editor stays the user's: an
            Authorization written there wins); a new fetcher makes GraphiQL introspect again,
            so the explorer shows the new role's schema. */}
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} />
      </main>
    </div>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
