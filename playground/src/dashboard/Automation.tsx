import { useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import { RunWorkflowDocument, RunsOfWorkflowDocument, WorkflowRunsDocument, WorkflowsDocument, type RunCardFragment } from "../gql/staff/graphql";
import { useCan } from "./capabilities";

/// Workflows and their latest runs; each run's steps move live over `workflowRunUpdated`.
export function Automation({ epoch }: { epoch: number }) {
  const [workflows] = useQuery({ query: WorkflowsDocument });
  const [selected, setSelected] = useState<string | null>(null);
  const list = workflows.data?.workflows.edges ?? [];
  return (
    <section className="tg-automation" aria-label="Automation">
      <h2>Automation</h2>
      {workflows.error && <p className="tg-error">{workflows.error.message}</p>}
      <ul className="tg-list">
        {list.map(({ node }) => (
          <li key={node.id}>
            <button
              className={node.id === selected ? "tg-tender selected" : "tg-tender"}
              data-testid="workflow-row"
              onClick={() => setSelected(node.id)}
            >
              <span>{node.name}</span>
              <small>
                {node.trigger.kind}
                {node.trigger.event ? ` ${node.trigger.event}` : ""}
                {node.trigger.cron ? ` ${node.trigger.cron}` : ""}
                {node.enabled ? "" : " · disabled"}
              </small>
            </button>
          </li>
        ))}
        {workflows.data && list.length === 0 && <li className="tg-hint">No workflow yet (createWorkflow in GraphiQL).</li>}
      </ul>
      {selected && <Runs key={selected} workflowId={selected} epoch={epoch} />}
    </section>
  );
}

function Runs({ workflowId, epoch }: { workflowId: string; epoch: number }) {
  const can = useCan();
  const [runs, refetch] = useQuery({ query: WorkflowRunsDocument, variables: { workflowId } });
  const [live, setLive] = useState<Map<string, RunCardFragment>>(new Map());
  const [started, run] = useMutation(RunWorkflowDocument);
  useEffect(() => {
    if (epoch > 0) refetch({ requestPolicy: "network-only" });
  }, [epoch, refetch]);
  useEffect(() => setLive(new Map()), [runs.data]);
  useSubscription({ query: RunsOfWorkflowDocument, variables: { workflowId } }, (_prev, event) => {
    const r = event.workflowRunUpdated.run;
    setLive((old) => new Map(old).set(r.id, r));
    return event;
  });
  const all = useMemo(() => {
    const m = new Map<string, RunCardFragment>();
    for (const { node } of runs.data?.workflowRuns.edges ?? []) m.set(node.id, node);
    for (const [k, v] of live) m.set(k, v);
    return [...m.values()].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt)).slice(0, 10);
  }, [runs.data, live]);

  return (
    <div className="tg-runs">
      {can.mutation.has("runWorkflow") && (
        <button disabled={started.fetching} data-action="run" onClick={() => run({ input: { workflowId } })}>
          Run now
        </button>
      )}
      {started.error && <p className="tg-error">{started.error.message}</p>}
      <table>
        <thead>
          <tr>
            <th>queued</th>
            <th>trigger</th>
            <th>status</th>
            <th>steps</th>
          </tr>
        </thead>
        <tbody>
          {all.map((r) => (
            <tr key={r.id} data-testid="run-row" data-status={r.status}>
              <td>{new Date(r.queuedAt).toLocaleTimeString()}</td>
              <td>{r.trigger}</td>
              <td>
                <span className={`tg-badge ${r.status.toLowerCase()}`}>{r.status}</span>
                {r.error && <small className="tg-error"> {r.error}</small>}
              </td>
              <td>
                {r.steps.map((s) => (
                  <span key={s.index} className={`tg-step ${s.status.toLowerCase()}`} title={s.error ?? `${s.attempts} attempt(s)`}>
                    {s.kind.toLowerCase()}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
