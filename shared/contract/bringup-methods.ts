/**
 * Methods of cluster bring-up and day-2 operations: plan, start, retry, cancel and read runs;
 * the live cluster's status; stop, start and tear down Ray; drain and remove a worker.
 */
import { z } from 'zod';
import { defineMethod } from './define';
import {
  BringUpOptions,
  BringUpRun,
  ClusterStatus,
  StepKind,
  StepLogTail,
} from '../domain/bringup';
import { OperationStarted } from '../domain/operation';
import { Id } from './primitives';

export const bringupMethods = {
  'bringup.plan': defineMethod({
    summary: 'The plan of steps per node for bringing a cluster up, shown before anything runs.',
    input: z
      .object({
        clusterId: Id,
        options: BringUpOptions.default({ source: { kind: 'pypi' }, withVllm: true }),
      })
      .strict(),
    output: BringUpRun,
  }),
  'bringup.start': defineMethod({
    summary:
      'Plan and start a bring-up; returns the run at once, then reports through bringup.changed and bringup.log.',
    input: z
      .object({
        clusterId: Id,
        options: BringUpOptions.default({ source: { kind: 'pypi' }, withVllm: true }),
      })
      .strict(),
    output: BringUpRun,
  }),
  'bringup.get': defineMethod({
    summary: 'One run by id.',
    input: z.object({ runId: Id }).strict(),
    output: BringUpRun,
  }),
  'bringup.list': defineMethod({
    summary: "A cluster's runs, newest first (at most 20).",
    input: z.object({ clusterId: Id }).strict(),
    output: z.array(BringUpRun),
  }),
  'bringup.retry': defineMethod({
    summary:
      'Runs the failed or cancelled steps again (of one node, or of every node); finished steps are kept.',
    input: z.object({ runId: Id, nodeId: Id.optional() }).strict(),
    output: BringUpRun,
  }),
  'bringup.cancel': defineMethod({
    summary: 'Stops a running bring-up: the steps in progress are cancelled on their nodes.',
    input: z.object({ runId: Id }).strict(),
    output: BringUpRun,
  }),
  'bringup.logs': defineMethod({
    summary:
      'The last lines of one step of one node (at most 2,000), and where its log ends: live bringup.log batches with `at >= end` come after them.',
    input: z.object({ runId: Id, nodeId: Id, step: StepKind }).strict(),
    output: StepLogTail,
  }),
  'cluster.status': defineMethod({
    summary:
      'The live Ray cluster: nodes, GPUs, Ray version, whether the dashboard answers (through the SSH tunnel).',
    input: z.object({ clusterId: Id }).strict(),
    output: ClusterStatus,
  }),
  'cluster.dashboard': defineMethod({
    summary:
      "An address on 127.0.0.1 that opens Ray's own dashboard of the cluster through the head's SSH connection (the Ray token stays in the core; the address carries a one-time key).",
    input: z.object({ clusterId: Id }).strict(),
    output: z.object({ url: z.string() }),
  }),
  'cluster.stop': defineMethod({
    summary: 'Stops Ray on every node (workers first, then the head).',
    input: z.object({ clusterId: Id }).strict(),
    output: OperationStarted,
  }),
  'cluster.start': defineMethod({
    summary:
      'Starts Ray again on every installed node (head first); same as a bring-up that finds everything installed.',
    input: z.object({ clusterId: Id }).strict(),
    output: BringUpRun,
  }),
  'cluster.down': defineMethod({
    summary:
      'Tears the cluster down: stops Ray on every node and, if asked, removes the Raydeck virtualenv.',
    input: z.object({ clusterId: Id, uninstall: z.boolean().default(false) }).strict(),
    output: OperationStarted,
  }),
  'cluster.removeWorker': defineMethod({
    summary:
      'Drains a worker (Ray moves its work elsewhere), stops Ray on it, and removes it from the inventory.',
    input: z.object({ nodeId: Id }).strict(),
    output: OperationStarted,
  }),
} as const;
