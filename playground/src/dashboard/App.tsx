import { useCallback, useEffect, useMemo, useState } from "react";
import { Provider, useQuery, useSubscription } from "urql";
import { CapabilitiesDocument, MeDocument, TenderChangesDocument } from "../gql/client/graphql";
import { SignIn } from "../lib/SignIn";
import { loadSession, saveSession, signOut, type Session } from "../lib/session";
import { Automation } from "./Automation";
import { Board } from "./Board";
import { CapabilitiesContext, type Capabilities } from "./capabilities";
import { connect } from "./client";
import { Figures } from "./Figures";

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const use = (s: Session | null) => {
    saveSession(s);
    setSession(s);
  };
  return (
    <div className="tg-app">
      <header className="tg-bar">
        <strong>talentgraph</strong>
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
        <a href="/graphiql">GraphiQL</a>
      </header>
      {session ? <Connected key={session.accessToken} session={session} onExpired={() => use(null)} /> : <p className="tg-hint">Sign in to see the board.</p>}
    </div>
  );
}

function Connected({ session, onExpired }: { session: Session; onExpired: () => void }) {
  // Bumped when the socket comes back or something changed that figures count.
  const [epoch, setEpoch] = useState(0);
  const bump = useCallback(() => setEpoch((e) => e + 1), []);
  const connection = useMemo(() => connect(session.accessToken, bump), [session.accessToken, bump]);
  useEffect(() => () => void connection.ws.dispose(), [connection]);
  return (
    <Provider value={connection.client}>
      <Dashboard epoch={epoch} bump={bump} onExpired={onExpired} />
    </Provider>
  );
}

function Dashboard({ epoch, bump, onExpired }: { epoch: number; bump: () => void; onExpired: () => void }) {
  const [caps] = useQuery({ query: CapabilitiesDocument });
  const [me] = useQuery({ query: MeDocument });
  useSubscription({ query: TenderChangesDocument }, () => {
    bump();
    return null;
  });
  const capabilities: Capabilities | null = useMemo(() => {
    const s = caps.data?.__schema;
    if (!s) return null;
    const names = (t?: { fields?: { name: string }[] | null } | null) => new Set((t?.fields ?? []).map((f) => f.name));
    return { query: names(s.queryType), mutation: names(s.mutationType), subscription: names(s.subscriptionType) };
  }, [caps.data]);

  const error = caps.error ?? me.error;
  useEffect(() => {
    if (error?.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) onExpired();
  }, [error, onExpired]);
  if (error) return <p className="tg-error">{error.message}</p>;
  if (!capabilities) return <p className="tg-hint">Loading…</p>;
  return (
    <CapabilitiesContext.Provider value={capabilities}>
      <main className="tg-main">
        <Figures epoch={epoch} />
        <Board epoch={epoch} bump={bump} />
        {capabilities.query.has("workflows") && <Automation epoch={epoch} />}
      </main>
    </CapabilitiesContext.Provider>
  );
}
