/**
 * Test helper for CLI tests: runs `main` against a real core in a throwaway $RAYDECK_HOME (no
 * user known_hosts, short SSH timings), capturing stdout/stderr lines, with optional stand-ins
 * for chosen contract methods (the methods that would need a live Ray cluster) and a way to
 * push events to the command as the core would.
 */
import {
  RaydeckError,
  createClient,
  fail,
  ok,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Transport,
} from '../../shared';
import { createCore } from '../api/create-core';
import { makeTempHome } from '../testing/temp-home';
import { createMemoryTransport } from '../transport/memory-transport';
import { main } from './main';

export type Stand<M extends MethodName> = (
  input: MethodInput<M>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

export interface CliHarness {
  home: string;
  /** Replaces one method for the following runs; calls to it are recorded in `calls`. */
  stand<M extends MethodName>(method: M, impl: Stand<M>): void;
  calls: { method: string; input: unknown }[];
  /** Delivers an event to the running command's subscribers. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  run(argv: string[], opts?: { stopped?: Promise<void>; env?: NodeJS.ProcessEnv }): Promise<CliRun>;
  cleanup(): void;
}

export function cliHarness(): CliHarness {
  const temp = makeTempHome();
  const stands = new Map<string, (input: unknown) => unknown>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { method: string; input: unknown }[] = [];
  const harness: CliHarness = {
    home: temp.home,
    calls,
    stand(method, impl) {
      stands.set(method, impl as (input: unknown) => unknown);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    async run(argv, opts = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, {
        io: { out: (l) => out.push(l), err: (l) => err.push(l) },
        env: { ...opts.env, RAYDECK_HOME: temp.home },
        stopped: opts.stopped ?? new Promise(() => undefined),
        connect: (home) => {
          const core = createCore({
            home,
            mode: 'memory',
            userKnownHosts: [],
            ssh: {
              lingerMs: 0,
              connectTimeoutMs: 3000,
              keepaliveIntervalMs: 1000,
              keepaliveCountMax: 2,
              backoff: { initialMs: 100, maxMs: 500, jitter: 0.5 },
            },
          });
          const inner = createMemoryTransport(core.service);
          const transport: Transport = {
            async call(method, input) {
              const impl = stands.get(method);
              if (!impl) return inner.call(method, input);
              calls.push({ method, input });
              try {
                return ok(JSON.parse(JSON.stringify(await impl(input))));
              } catch (e) {
                return fail(
                  e instanceof RaydeckError
                    ? e.toShape()
                    : { code: 'internal', message: String(e) },
                );
              }
            },
            subscribe(event, listener) {
              const set = listeners.get(event) ?? new Set();
              listeners.set(event, set);
              set.add(listener);
              const off = inner.subscribe(event, listener);
              return () => {
                set.delete(listener);
                off();
              };
            },
            close: () => inner.close?.(),
          };
          const client = createClient(transport);
          return {
            client,
            dispose() {
              client.close();
              core.dispose();
            },
          };
        },
      });
      return { code, out, err };
    },
    cleanup: () => temp.cleanup(),
  };
  return harness;
}
