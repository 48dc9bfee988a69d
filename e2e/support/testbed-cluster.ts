/**
 * A Raydeck cluster made of the running testbed's nodes, through a core's client: created,
 * nodes imported from the testbed's description (all, or the named ones), each host key
 * trusted by the fingerprint the testbed recorded (the TOFU step a user does by eye), and
 * a bring-up followed to its end. Setup for cluster tests whose subject is something else.
 */
import type { BringUpOptions, BringUpRun, ClusterNode, RaydeckClient } from '../../shared';
import type { TestbedInfo } from './testbed';

export async function importTestbedCluster(
  client: RaydeckClient,
  tb: TestbedInfo,
  name: string,
  aliases?: string[],
): Promise<{ clusterId: string; nodes: ClusterNode[] }> {
  const clusterId = (await client.call('clusters.create', { name })).id;
  await client.call('nodes.import', {
    clusterId,
    source: { kind: 'testbed-file', path: process.env.RAYDECK_TESTBED_JSON! },
    ...(aliases ? { aliases } : {}),
  });
  const nodes = await client.call('nodes.list', { clusterId });
  for (const n of nodes)
    await client.call('nodes.trust', {
      id: n.id,
      fingerprint: tb.nodes.find((t) => t.name === n.name)!.hostKeyFingerprints[0]!,
    });
  return { clusterId, nodes };
}

/** Starts a bring-up and polls it (bounded) until it is no longer running. */
export async function bringUp(
  client: RaydeckClient,
  clusterId: string,
  options: BringUpOptions,
  ms = 900_000,
): Promise<BringUpRun> {
  const { id } = await client.call('bringup.start', { clusterId, options });
  const end = Date.now() + ms;
  for (;;) {
    const run = await client.call('bringup.get', { runId: id });
    if (run.state !== 'running') return run;
    if (Date.now() > end) throw new Error(`the bring-up did not end in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
