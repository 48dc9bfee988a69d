/**
 * Which Serve replica a GPU process belongs to when it does not run under the replica's actor.
 * Ray Serve LLM on GPUs runs vLLM with the Ray executor (Ray 2.60
 * `ray/llm/_internal/serve/engines/vllm/vllm_models.py`: EXECUTOR_BACKEND_RAY unless the
 * accelerator is the CPU), so vLLM's GPU workers are Ray actors of their own (children of the
 * raylet, not of the replica), scheduled in the replica's placement group — the replica actor
 * sits in that group too (`llm_server.py` merges its resources into the bundles). Ray's actor
 * list (state API) gives every actor's node, pid and placement group: a GPU process whose actor
 * shares the replica actor's group is the replica's, and the GPUs the group's actors asked Ray
 * for are the replica's GPUs when the replica's own actor asked for none.
 */
import type { RayActorRecord } from '../ray/dashboard-client';

const at = (rayNodeId: string, pid: number) => `${rayNodeId}:${pid}`;

/**
 * The GPUs one actor asked for. An actor placed in a placement group may be listed with the
 * group's resource names instead of `GPU`: `GPU_group_<bundle>_<pg id>` for a bundle it was
 * pinned to, and `GPU_group_<pg id>` (the same amount again, for any bundle). Counted once.
 */
export function actorGpus(resources: Record<string, number> | null | undefined): number {
  if (!resources) return 0;
  if (typeof resources.GPU === 'number') return resources.GPU;
  let indexed = 0;
  let wildcard = 0;
  for (const [k, v] of Object.entries(resources)) {
    if (/^GPU_group_\d+_[0-9a-f]+$/.test(k)) indexed += v;
    else if (/^GPU_group_[0-9a-f]+$/.test(k)) wildcard += v;
  }
  return indexed || wildcard;
}

export class ReplicaPlacement {
  private readonly byNodePid = new Map<string, RayActorRecord>();
  private readonly byGroup = new Map<string, RayActorRecord[]>();

  constructor(actors: readonly RayActorRecord[]) {
    for (const a of actors) {
      if (a.node_id && a.pid) this.byNodePid.set(at(a.node_id, a.pid), a);
      if (a.placement_group_id)
        this.byGroup.set(a.placement_group_id, [
          ...(this.byGroup.get(a.placement_group_id) ?? []),
          a,
        ]);
    }
  }

  /** The placement group of the actor running as `pid` on Ray node `rayNodeId`. */
  groupOf(rayNodeId: string | null, pid: number | null): string | null {
    if (!rayNodeId || pid === null) return null;
    return this.byNodePid.get(at(rayNodeId, pid))?.placement_group_id || null;
  }

  /** The other actors of the replica actor's placement group (vLLM's Ray workers). */
  workersOf(rayNodeId: string | null, replicaPid: number | null): RayActorRecord[] {
    const g = this.groupOf(rayNodeId, replicaPid);
    return g
      ? (this.byGroup.get(g) ?? []).filter((a) => a.pid !== replicaPid || a.node_id !== rayNodeId)
      : [];
  }

  /** GPUs the actors of the replica actor's placement group asked Ray for (0 without a group). */
  groupGpus(rayNodeId: string | null, replicaPid: number | null): number {
    const g = this.groupOf(rayNodeId, replicaPid);
    return g
      ? (this.byGroup.get(g) ?? []).reduce((n, a) => n + actorGpus(a.required_resources), 0)
      : 0;
  }

  /** GPU keys of the processes of the replica's group's other actors (and their children). */
  workerGpus(
    rayNodeId: string | null,
    replicaPid: number | null,
    gpusUnder: (rayNodeId: string, pid: number) => string[],
  ): string[] {
    return this.workersOf(rayNodeId, replicaPid).flatMap((w) =>
      w.node_id && w.pid ? gpusUnder(w.node_id, w.pid) : [],
    );
  }
}
