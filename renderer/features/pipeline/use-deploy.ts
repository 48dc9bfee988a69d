/**
 * Deploy from the Pipeline page through the Serve page's own apply path: compile the graph,
 * put the compiled application next to the others Ray runs (deploy-config.ts, from the Serve
 * history's newest text), ask the core
 * for the diff (serve.diff: the validator runs again), show the Serve review dialog, apply
 * (serve.apply, recorded in the Serve history) and follow the operation. Deploy starts once:
 * a second click while any step is under way does nothing.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { ServeConfigDiff } from '../../../shared';
import type { PipelineGraph } from '../../../shared/pipeline';
import { useRaydeck } from '../../app/client-context';
import { serveKeys, useServeApply, type FollowedApply, type ServeFinding } from '../serve';
import { withRunningApps } from './deploy-config';

export interface DeployReview {
  text: string;
  kept: string[];
  /** Running apps left out (their env_vars only come back redacted): the review shows them deleted. */
  dropped: string[];
  diff: ServeConfigDiff;
  diagnostics: ServeFinding[];
}

export function usePipelineDeploy(
  clusterId: string | null,
  compile: (graph: PipelineGraph) => Promise<{ text: string }>,
) {
  const client = useRaydeck();
  const qc = useQueryClient();
  const apply = useServeApply(clusterId ?? '');
  const [preparing, setPreparing] = useState(false);
  const [review, setReview] = useState<DeployReview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [followed, setFollowed] = useState<FollowedApply | null>(null);
  const busy = useRef(false);

  /** Compile + diff, then the review opens; refused while a deploy is being prepared or reviewed. */
  const start = (graph: PipelineGraph) => {
    if (!clusterId || busy.current) return;
    busy.current = true;
    setPreparing(true);
    setError(null);
    apply.reset();
    void (async () => {
      try {
        const compiled = await compile(graph);
        // What Ray runs right now (not a cached read): its other applications are kept, as the
        // newest applied config wrote them (Ray's own copy has env_vars values redacted).
        const [live, history] = await Promise.all([
          client.call('serve.status', { clusterId }),
          client.call('serve.history', { clusterId }),
        ]);
        const newest = history[0];
        const written = newest
          ? (await client.call('serve.get', { clusterId, version: newest.version })).text
          : null;
        const { text, kept, dropped } = withRunningApps(compiled.text, live, written);
        const r = await client.call('serve.diff', { clusterId, text });
        setReview({ text, kept, dropped, ...r });
      } catch (err) {
        setError(err);
        busy.current = false;
      } finally {
        setPreparing(false);
      }
    })();
  };

  const closeReview = () => {
    setReview(null);
    busy.current = false;
  };

  /** The review's Apply (the dialog itself starts it once). */
  const confirm = (autoRollbackS: number | null, done: () => void) => {
    if (!review || !clusterId) return done();
    apply.mutate(
      { text: review.text, autoRollbackS, expectDeletes: review.diff.deletes },
      {
        onSuccess: (s) => {
          setFollowed({ operationId: s.operationId, version: s.version, rollbackOf: s.rollbackOf });
          setReview(null);
          busy.current = false;
          void qc.invalidateQueries({ queryKey: serveKeys.history(clusterId) });
          void qc.invalidateQueries({ queryKey: serveKeys.status(clusterId) });
        },
        onSettled: done,
      },
    );
  };

  return {
    start,
    preparing,
    review,
    closeReview,
    confirm,
    applying: apply.isPending,
    applyError: apply.error,
    error,
    followed,
    dismissFollowed: () => setFollowed(null),
  };
}
