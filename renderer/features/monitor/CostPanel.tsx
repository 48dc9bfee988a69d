/**
 * Cost: prices the user enters, in USD per hour, per node or per GPU model (a node's own price
 * wins), saved with monitor.setPrices; shows the cluster's $/h, the request rate it is measured
 * at and the cost per 1M requests, and which nodes have no price yet.
 */
import { useEffect, useMemo, useState } from 'react';
import type { MonitorPrices, MonitorSnapshot } from '../../../shared';
import { ErrorBanner } from '../../ui';
import { formatMeasured, formatUsd } from './monitor-model';
import { useSetPrices } from './use-monitor';

type Drafts = Record<string, string>;

function toDrafts(prices: Record<string, number>): Drafts {
  return Object.fromEntries(Object.entries(prices).map(([k, v]) => [k, String(v)]));
}

/** Entered prices as changes: a number sets, '' removes a price that was set; a bad number is an error. */
export function priceChanges(
  drafts: Drafts,
  saved: Record<string, number>,
): { changes: Record<string, number | null> } | { error: string } {
  const changes: Record<string, number | null> = {};
  for (const [k, text] of Object.entries(drafts)) {
    const t = text.trim();
    if (t === '') {
      if (k in saved) changes[k] = null;
      continue;
    }
    const v = Number(t);
    if (!Number.isFinite(v) || v < 0)
      return { error: `The price for ${k} must be a number of dollars per hour, 0 or more` };
    if (saved[k] !== v) changes[k] = v;
  }
  return { changes };
}

export function CostPanel({
  clusterId,
  snapshot,
}: {
  clusterId: string;
  snapshot: MonitorSnapshot;
}) {
  const cost = snapshot.cost;
  const models = useMemo(
    () =>
      [...new Set(snapshot.gpus.map((g) => g.name).filter((n): n is string => Boolean(n)))].sort(),
    [snapshot.gpus],
  );
  const [perNode, setPerNode] = useState<Drafts>(() => toDrafts(cost.prices.perNodeHour));
  const [perModel, setPerModel] = useState<Drafts>(() => toDrafts(cost.prices.perGpuModelHour));
  // Saved prices changed (here or elsewhere): show them. Keyed by content, since every delta
  // that carries cost brings a new object and would wipe what is being typed.
  const savedKey = JSON.stringify(cost.prices);
  useEffect(() => {
    const saved = JSON.parse(savedKey) as MonitorPrices;
    setPerNode(toDrafts(saved.perNodeHour));
    setPerModel(toDrafts(saved.perGpuModelHour));
  }, [savedKey]);
  const save = useSetPrices(clusterId);
  const nodeCh = priceChanges(perNode, cost.prices.perNodeHour);
  const modelCh = priceChanges(perModel, cost.prices.perGpuModelHour);
  const error = 'error' in nodeCh ? nodeCh.error : 'error' in modelCh ? modelCh.error : null;
  const onSave = () => {
    if (!('changes' in nodeCh) || !('changes' in modelCh)) return;
    save.mutate({ perNodeHour: nodeCh.changes, perGpuModelHour: modelCh.changes });
  };
  const nodeName = new Map(snapshot.nodes.map((n) => [n.nodeId, n.name]));
  return (
    <section className="mon-card cost-panel" aria-label="Cost" data-testid="cost-panel">
      <div className="totals">
        <div className="total" data-testid="cost-per-hour" data-value={cost.perHour ?? ''}>
          <span className="total-value">{formatUsd(cost.perHour)}</span>
          <span className="total-label">per hour</span>
        </div>
        <div
          className="total"
          data-testid="cost-per-million"
          data-value={cost.perMillionRequests ?? ''}
        >
          <span className="total-value">{formatUsd(cost.perMillionRequests)}</span>
          <span className="total-label">per 1M requests</span>
        </div>
        <div className="total">
          <span className="total-value">{formatMeasured(cost.rps, '/s')}</span>
          <span className="total-label">measured request rate</span>
        </div>
      </div>
      {cost.unpriced.length ? (
        <p className="muted small" data-testid="cost-unpriced">
          No price yet for {cost.unpriced.map((id) => nodeName.get(id) ?? id).join(', ')}: they are
          left out of $/h.
        </p>
      ) : null}
      <form
        className="price-form"
        onSubmit={(e) => {
          e.preventDefault();
          onSave();
        }}
      >
        {models.length ? (
          <fieldset>
            <legend>Per GPU model, $/h per GPU</legend>
            {models.map((m) => (
              <label key={m} className="inline-field">
                <span>{m}</span>
                <input
                  className="num-input"
                  inputMode="decimal"
                  aria-label={`Price per hour of one ${m}`}
                  value={perModel[m] ?? ''}
                  onChange={(e) => setPerModel((p) => ({ ...p, [m]: e.target.value }))}
                />
              </label>
            ))}
          </fieldset>
        ) : null}
        <fieldset>
          <legend>Per node, $/h (wins over the GPU model price)</legend>
          {snapshot.nodes.map((n) => (
            <label key={n.nodeId} className="inline-field">
              <span>{n.name}</span>
              <input
                className="num-input"
                inputMode="decimal"
                aria-label={`Price per hour of node ${n.name}`}
                value={perNode[n.nodeId] ?? ''}
                onChange={(e) => setPerNode((p) => ({ ...p, [n.nodeId]: e.target.value }))}
              />
            </label>
          ))}
        </fieldset>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn primary" disabled={Boolean(error) || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save prices'}
        </button>
        <ErrorBanner error={save.error} prefix="Could not save the prices" />
      </form>
    </section>
  );
}
