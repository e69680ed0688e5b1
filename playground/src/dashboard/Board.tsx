import { useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import {
  AcceptMatchDocument,
  MatchesOfTenderDocument,
  RejectMatchDocument,
  TenderBoardDocument,
  TendersDocument,
  type MatchCardFragment,
  type TenderStatus,
} from "../gql/client/graphql";
import { GenerateMatchesDocument, ProposeMatchDocument, PublishTenderDocument } from "../gql/staff/graphql";
import { useCan } from "./capabilities";

const STATUSES: TenderStatus[] = ["DRAFT", "OPEN", "IN_PROGRESS", "CLOSED", "CANCELLED"];

/// Tenders by status, and the selected tender's ranked matches, live.
export function Board({ epoch, bump }: { epoch: number; bump: () => void }) {
  const [status, setStatus] = useState<TenderStatus>("OPEN");
  const [selected, setSelected] = useState<string | null>(null);
  const [tenders, refetch] = useQuery({ query: TendersDocument, variables: { status: [status], first: 50 } });
  useEffect(() => {
    if (epoch > 0) refetch({ requestPolicy: "network-only" });
  }, [epoch, refetch]);

  return (
    <section className="tg-board" aria-label="Tender board">
      <div className="tg-tenders">
        <nav className="tg-tabs" role="tablist">
          {STATUSES.map((s) => (
            <button key={s} role="tab" aria-selected={s === status} data-status={s} onClick={() => setStatus(s)}>
              {s.replace("_", " ").toLowerCase()}
            </button>
          ))}
        </nav>
        {tenders.error && <p className="tg-error">{tenders.error.message}</p>}
        <ul className="tg-list">
          {tenders.data?.tenders.edges.map(({ node }) => (
            <li key={node.id}>
              <button
                className={node.id === selected ? "tg-tender selected" : "tg-tender"}
                data-testid="tender-row"
                data-id={node.id}
                onClick={() => setSelected(node.id)}
              >
                <span>{node.title}</span>
                <small>
                  {node.company.name} · {node.status}
                </small>
              </button>
            </li>
          ))}
          {tenders.data?.tenders.edges.length === 0 && <li className="tg-hint">No tender in this status.</li>}
        </ul>
      </div>
      {selected ? <TenderMatches key={selected} id={selected} epoch={epoch} bump={bump} /> : <p className="tg-hint">Pick a tender.</p>}
    </section>
  );
}

function TenderMatches({ id, epoch, bump }: { id: string; epoch: number; bump: () => void }) {
  const can = useCan();
  const [board, refetch] = useQuery({ query: TenderBoardDocument, variables: { id } });
  // Matches as the last event left them, over what the query returned.
  const [live, setLive] = useState<Map<string, MatchCardFragment>>(new Map());
  useEffect(() => {
    if (epoch > 0) refetch({ requestPolicy: "network-only" });
  }, [epoch, refetch]);
  useEffect(() => setLive(new Map()), [board.data]);
  useSubscription({ query: MatchesOfTenderDocument, variables: { tenderId: id } }, (_prev, event) => {
    const m = event.matchUpdated.match;
    setLive((old) => new Map(old).set(m.id, m));
    bump();
    return event;
  });

  const [publish, doPublish] = useMutation(PublishTenderDocument);
  const [generate, doGenerate] = useMutation(GenerateMatchesDocument);
  const [propose, doPropose] = useMutation(ProposeMatchDocument);
  const [accept, doAccept] = useMutation(AcceptMatchDocument);
  const [reject, doReject] = useMutation(RejectMatchDocument);
  const failure = [publish, generate, propose, accept, reject].find((r) => r.error)?.error;
  const busy = [publish, generate, propose, accept, reject].some((r) => r.fetching);

  const matches = useMemo(() => {
    const all = new Map<string, MatchCardFragment>();
    for (const { node } of board.data?.tender.matches.edges ?? []) all.set(node.id, node);
    for (const [k, v] of live) all.set(k, v);
    return [...all.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  }, [board.data, live]);

  const tender = board.data?.tender;
  if (board.error) return <p className="tg-error">{board.error.message}</p>;
  if (!tender) return <p className="tg-hint">Loading…</p>;
  return (
    <div className="tg-matches" data-testid="tender-board" data-status={tender.status}>
      <h2>{tender.title}</h2>
      <p className="tg-meta">
        {tender.company.name} · <span data-testid="tender-status">{tender.status}</span>
      </p>
      <div className="tg-actions">
        {tender.status === "DRAFT" && can.mutation.has("publishTender") && (
          <button disabled={busy} data-action="publish" onClick={() => doPublish({ id })}>
            Publish
          </button>
        )}
        {tender.status === "OPEN" && can.mutation.has("generateMatches") && (
          <button disabled={busy} data-action="generate" onClick={() => doGenerate({ input: { tenderId: id } })}>
            Generate matches
          </button>
        )}
      </div>
      {failure && (
        <p className="tg-error" role="alert">
          {failure.message}
        </p>
      )}
      <ol className="tg-ranking">
        {matches.map((m) => (
          <li key={m.id} className="tg-match" data-testid="match-card" data-id={m.id} data-status={m.status}>
            <div className="tg-match-head">
              <strong>
                {m.consultant.firstName} {m.consultant.lastName}
              </strong>
              <small>{m.consultant.title}</small>
              <span className={`tg-badge ${m.status.toLowerCase()}`}>{m.status}</span>
            </div>
            <div className="tg-score" title={`score ${m.score.toFixed(3)}`}>
              <div className="tg-score-bar" style={{ width: `${Math.round(m.score * 100)}%` }} />
              <span>{Math.round(m.score * 100)}%</span>
            </div>
            <Reasons reasons={m.reasons} />
            <div className="tg-actions">
              {m.status === "PENDING" && can.mutation.has("proposeMatch") && (
                <button disabled={busy} data-action="propose" onClick={() => doPropose({ id: m.id })}>
                  Propose
                </button>
              )}
              {m.status === "PROPOSED" && can.mutation.has("acceptMatch") && (
                <button disabled={busy} data-action="accept" onClick={() => doAccept({ id: m.id })}>
                  Accept
                </button>
              )}
              {m.status === "PROPOSED" && can.mutation.has("rejectMatch") && (
                <button disabled={busy} data-action="reject" onClick={() => doReject({ input: { id: m.id } })}>
                  Reject
                </button>
              )}
            </div>
          </li>
        ))}
        {matches.length === 0 && <li className="tg-hint">No match yet.</li>}
      </ol>
    </div>
  );
}

/// The first reasons, the rest folded away.
function Reasons({ reasons }: { reasons: string[] }) {
  const shown = 2;
  return (
    <div className="tg-reasons">
      <ul>
        {reasons.slice(0, shown).map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {reasons.length > shown && (
        <details>
          <summary>{reasons.length - shown} more</summary>
          <ul>
            {reasons.slice(shown).map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
