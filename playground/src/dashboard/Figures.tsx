import { useEffect } from "react";
import { useQuery } from "urql";
import { FiguresDocument } from "../gql/client/graphql";
import { RunFiguresDocument } from "../gql/staff/graphql";
import { useCan } from "./capabilities";

const label = (s: string) => s.replace("_", " ").toLowerCase();

/// Counts from the scoped aggregate queries: what the signed-in role may see, nothing more.
export function Figures({ epoch }: { epoch: number }) {
  const can = useCan();
  const [figures, refetch] = useQuery({ query: FiguresDocument });
  const [runs, refetchRuns] = useQuery({
    query: RunFiguresDocument,
    pause: !can.query.has("workflowRunCounts"),
  });
  useEffect(() => {
    if (epoch === 0) return;
    const t = setTimeout(() => {
      refetch({ requestPolicy: "network-only" });
      if (can.query.has("workflowRunCounts")) refetchRuns({ requestPolicy: "network-only" });
    }, 250);
    return () => clearTimeout(t);
  }, [epoch, refetch, refetchRuns, can]);

  const d = figures.data;
  return (
    <section className="tg-figures" aria-label="Figures">
      <Group title="Tenders by status" testid="tender-counts" rows={d?.tenderCounts} />
      <Group title="Match funnel" testid="match-funnel" rows={d?.matchFunnel} />
      {runs.data && <Group title="Runs, last 24 h" testid="run-counts" rows={runs.data.workflowRunCounts} />}
    </section>
  );
}

function Group({ title, rows, testid }: { title: string; testid: string; rows?: { status: string; count: number }[] }) {
  return (
    <div className="tg-figure" data-testid={testid}>
      <h3>{title}</h3>
      <dl>
        {(rows ?? []).map((r) => (
          <div key={r.status} data-status={r.status}>
            <dt>{label(r.status)}</dt>
            <dd>{r.count}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
