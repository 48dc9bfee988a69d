/**
 * Test stand-in for a Ray 2.60 dashboard's Serve API: a real HTTP server on 127.0.0.1, reached
 * through a TCP "tunnel" by the real DashboardClient, answering with the real captures of
 * core/ray/fixtures. It keeps the applications a PUT declared (declarative, like Ray: apps left
 * out are deleted) and moves each through the statuses Ray's controller reports — DEPLOYING for
 * `deployingPolls` reads, then what `behave(appConfig)` chooses:
 * - 'running': RUNNING, deployments HEALTHY, replicas RUNNING;
 * - 'failed': DEPLOY_FAILED, a replica that failed to start, with Ray's two messages;
 * - 'pending': DEPLOYING forever, a replica STARTING without a node and Ray's scheduling message.
 * Only for tests; no Ray behaviour beyond what the apply tests need.
 */
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DashboardClient } from '../ray/dashboard-client';
import { ServeApi } from '../ray/serve-api';
import type { ServeConnector } from './serve-apply';

export type AppBehaviour = 'running' | 'failed' | 'pending';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'ray', 'fixtures');
const fixture = (name: string): Json =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const RUNNING = fixture('ray-2.60-serve-llm-applications.json');
const PENDING = fixture('ray-2.60-serve-llm-applications-upscale-pending.json');
const TEMPLATE_APP: Json = RUNNING.applications.llm;
const TEMPLATE_DEPLOYMENT: Json = TEMPLATE_APP.deployments.OpenAiIngress;
const RUNNING_REPLICA: Json = TEMPLATE_DEPLOYMENT.replicas[0];
const UNPLACED_REPLICA: Json =
  PENDING.applications.llm.deployments['LLMServer:tiny-llama'].replicas[1];

/** Ray's words (deployment_state.py / application_state.py, Ray 2.60) for a replica that fails to start. */
export const replicaFailedMessage = (error: string) =>
  `A replica failed to start with exception. Retrying 0 more time(s). Error:\n${error}`;
export const schedulingMessage = (dep: string, app: string) =>
  `Deployment '${dep}' in application '${app}' has 1 replicas that have taken more than 30s to be scheduled. This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. Resources required for each replica: {"CPU": 1.0, "GPU": 4.0}, total resources available: {"CPU": 1.0}. Use \`ray status\` for more details.`;

interface LiveApp {
  config: Json;
  behaviour: AppBehaviour;
  reads: number;
  deployedAt: number;
}

export interface FakeServeDashboardOptions {
  /** Start with the captured Ray 2.60 LLM app running (default) or with no Serve at all. */
  start?: 'llm-running' | 'empty';
  behave?: (app: Json) => AppBehaviour;
  deployingPolls?: number;
  /** GETs right after a PUT that still show the state before it (the controller's status lags a tick). */
  staleReads?: number;
  /** GETs after a PUT that drops the captured app during which Ray still lists it as DELETING (as Ray does). */
  deletingReads?: number;
}

export class FakeServeDashboard {
  readonly puts: Json[] = [];
  readonly requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  behave: (app: Json) => AppBehaviour;
  deployingPolls: number;
  private apps = new Map<string, LiveApp>();
  private readonly captured: Json | null;
  private refuse: string | null = null;
  private drop = false;
  private stale: { reads: number; body: Json } | null = null;
  private readonly staleReads: number;
  private deletingReads: number;
  private server: http.Server | null = null;
  /** The port it listens on (127.0.0.1), once listening. */
  port = 0;
  private serveRunning: boolean;

  constructor(opts: FakeServeDashboardOptions = {}) {
    this.behave =
      opts.behave ??
      ((app) =>
        /broken/.test(String(app.import_path))
          ? 'failed'
          : /huge/.test(JSON.stringify(app))
            ? 'pending'
            : 'running');
    this.deployingPolls = opts.deployingPolls ?? 1;
    this.staleReads = opts.staleReads ?? 0;
    this.deletingReads = opts.deletingReads ?? 0;
    this.serveRunning = opts.start !== 'empty';
    this.captured = this.serveRunning ? clone(TEMPLATE_APP) : null;
  }

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The next PUT is refused as Ray refuses an invalid body (HTTP 400 with pydantic's text). */
  refuseNextPut(text: string): void {
    this.refuse = text;
  }

  /** The next PUT gets no answer (the connection is cut after Ray took the body). */
  dropNextPut(): void {
    this.drop = true;
  }

  /** A connector for ServeApplier / createCore({serveConnector}) through the real DashboardClient. */
  connector(): ServeConnector {
    return async () => {
      const client = new DashboardClient({
        openTunnel: async () => net.connect(this.port, '127.0.0.1'),
        token: null,
      });
      return {
        api: new ServeApi((m, p, b) => client.request(m, p, b)),
        gpus: async () => 1,
        release: () => {},
      };
    };
  }

  /** How many writes (PUT/DELETE) reached Ray. */
  get writes(): number {
    return this.requests.filter((r) => r.method !== 'GET').length;
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (req.url !== '/api/serve/applications/') return void res.writeHead(404).end('Not found');
    if (req.method === 'GET') {
      const stale = this.stale && this.stale.reads > 0 ? this.stale : null;
      if (stale) stale.reads -= 1;
      return void res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify(stale ? stale.body : this.instance()));
    }
    if (req.method === 'DELETE') {
      this.apps.clear();
      this.serveRunning = false;
      return void res.writeHead(200).end();
    }
    if (req.method !== 'PUT') return void res.writeHead(405).end();
    if (this.refuse) {
      const text = this.refuse;
      this.refuse = null;
      return void res.writeHead(400).end(text);
    }
    const config = JSON.parse(body) as Json;
    if (this.staleReads > 0) this.stale = { reads: this.staleReads, body: this.instance() };
    this.puts.push(config);
    this.serveRunning = true;
    const next = new Map<string, LiveApp>();
    for (const app of (config.applications ?? []) as Json[]) {
      const name = String(app.name ?? 'default');
      const before = this.apps.get(name);
      const same = before && JSON.stringify(before.config) === JSON.stringify(app);
      next.set(
        name,
        same
          ? before
          : { config: app, behaviour: this.behave(app), reads: 0, deployedAt: Date.now() / 1000 },
      );
    }
    this.apps = next; // declarative: whatever the body leaves out is gone
    if (this.drop) {
      this.drop = false;
      return void req.socket.destroy();
    }
    res.writeHead(200).end();
  }

  private instance(): Json {
    if (!this.serveRunning) return fixture('ray-2.58-serve-applications-empty.json');
    const base = clone(RUNNING);
    base.applications = {};
    if (this.captured && this.puts.length === 0) base.applications.llm = clone(this.captured);
    else if (this.captured && this.deletingReads > 0 && !this.apps.has('llm')) {
      this.deletingReads -= 1;
      base.applications.llm = { ...clone(this.captured), status: 'DELETING' };
    }
    for (const [name, app] of this.apps) {
      app.reads += 1;
      base.applications[name] = this.details(name, app);
    }
    return base;
  }

  private details(name: string, app: LiveApp): Json {
    const out = clone(TEMPLATE_APP);
    const phase: AppBehaviour | 'deploying' =
      app.reads <= this.deployingPolls ? 'deploying' : app.behaviour;
    const names: string[] = Array.isArray(app.config.deployments)
      ? (app.config.deployments as Json[]).map((d) => String(d.name))
      : Object.keys(TEMPLATE_APP.deployments);
    Object.assign(out, {
      name,
      route_prefix: app.config.route_prefix ?? '/',
      deployed_app_config: app.config,
      last_deployed_time_s: app.deployedAt,
      message: '',
    });
    out.deployments = {};
    out.deployment_topology = {
      app_name: name,
      nodes: {},
      ingress_deployment: names.at(-1) ?? null,
    };
    names.forEach((dep, i) => {
      const d = clone(TEMPLATE_DEPLOYMENT);
      d.name = dep;
      d.deployment_config.name = dep;
      const failing = i === 0;
      if (phase === 'running' || (phase !== 'deploying' && !failing)) {
        Object.assign(d, {
          status: 'HEALTHY',
          status_trigger: 'CONFIG_UPDATE_COMPLETED',
          message: '',
          replicas: [clone(RUNNING_REPLICA)],
        });
      } else if (phase === 'deploying') {
        Object.assign(d, {
          status: 'UPDATING',
          status_trigger: 'CONFIG_UPDATE_STARTED',
          message: '',
          replicas: [{ ...clone(RUNNING_REPLICA), state: 'STARTING' }],
        });
      } else if (phase === 'failed') {
        Object.assign(d, {
          status: 'DEPLOY_FAILED',
          status_trigger: 'REPLICA_STARTUP_FAILED',
          message: replicaFailedMessage(`ModuleNotFoundError: No module named 'broken'`),
          replicas: [],
        });
      } else {
        Object.assign(d, {
          status: 'UPDATING',
          status_trigger: 'CONFIG_UPDATE_STARTED',
          message: schedulingMessage(dep, name),
          replicas: [clone(UNPLACED_REPLICA)],
        });
      }
      out.deployments[dep] = d;
    });
    out.status =
      phase === 'running' ? 'RUNNING' : phase === 'failed' ? 'DEPLOY_FAILED' : 'DEPLOYING';
    if (phase === 'failed') out.message = `Failed to update the deployments ['${names[0]}'].`;
    return out;
  }
}
