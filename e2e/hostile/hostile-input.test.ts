/**
 * The hostile-input suite (issue 16): a real `raydeck ui` process (its own $RAYDECK_HOME and
 * $HOME) and the CLI over the same home, fed malformed HTTP (bad cookies, paths, Host, Origin,
 * oversized headers and bodies, HTTP/1.0 and garbage), malformed and oversized WebSocket frames,
 * every contract method with wrong types, and hostile strings in every text field. After all of
 * it: the server still answers, no marker file exists, nothing persisted changed, and every
 * refusal named its field. Generated inputs come from fast-check with a fixed seed
 * (HOSTILE_SEED=n to vary it); the number of inputs tried is printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES, methodNames, methods } from '../../shared';
import { hostileIndexUrls, hostileStrings } from './hostile-strings';

const root = path.resolve(__dirname, '..', '..');
const SEED = Number(process.env.HOSTILE_SEED ?? 16);
const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number) =>
  fc.sample(arb, { numRuns: n, seed: SEED * 1000 + salt });

let tried = 0;
let ui: ChildProcess;
let port = 0;
let token = '';
let raydeckHome = '';
let userHome = '';
let markers = '';
let stderr = '';
let baseClusterId = '';
let snapshot = new Map<string, string>();

/** Every file under $RAYDECK_HOME with its content hash (lock files excluded: they come and go). */
/** Compares with the snapshot, naming the files that changed. */
function expectNothingPersistedChanged() {
  const now = persisted();
  const changed = [...new Set([...now.keys(), ...snapshot.keys()])].filter(
    (k) => now.get(k) !== snapshot.get(k),
  );
  expect(
    changed,
    `files under $RAYDECK_HOME that changed: ${changed.map((k) => `${k}: ${fs.existsSync(path.join(raydeckHome, k)) ? fs.readFileSync(path.join(raydeckHome, k), 'utf8').slice(0, 400) : '(gone)'}`).join('\n')}`,
  ).toEqual([]);
}

function persisted(): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of fs.readdirSync(raydeckHome, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name.endsWith('.lock')) continue;
    const p = path.join(e.parentPath, e.name);
    out.set(
      path.relative(raydeckHome, p),
      createHash('sha256').update(fs.readFileSync(p)).digest('hex'),
    );
  }
  return out;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'dist/renderer/index.html'))) {
    expect(
      spawnSync('npm', ['run', '--silent', 'build:renderer'], { cwd: root, stdio: 'inherit' })
        .status,
    ).toBe(0);
  }
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-hostile-'));
  raydeckHome = path.join(base, 'raydeck');
  userHome = path.join(base, 'home');
  markers = path.join(base, 'markers');
  for (const d of [raydeckHome, path.join(userHome, '.ssh'), markers])
    fs.mkdirSync(d, { recursive: true });
  ui = spawn(process.execPath, [path.join(root, 'bin/raydeck.js'), 'ui', '--port', '0', '--json'], {
    cwd: root,
    env: { ...process.env, HOME: userHome, RAYDECK_HOME: raydeckHome },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  ui.stderr!.on('data', (d) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`raydeck ui did not start: ${stderr}`)),
      30_000,
    );
    ui.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf('\n')));
      }
    });
  });
  const url = new URL((JSON.parse(line) as { url: string }).url);
  port = Number(url.port);
  token = url.searchParams.get('token')!;
  const api = await openApi();
  baseClusterId = (
    (await api.call('clusters.create', { name: 'base' })) as { value: { id: string } }
  ).value.id;
  api.close();
  snapshot = persisted();
}, 120_000);

afterAll(async () => {
  console.log(
    `hostile-input suite: ${tried} hostile inputs tried (seed ${SEED}); raydeck ui ${ui?.exitCode === null ? 'still serving' : `exited (${ui?.exitCode})`} at the end`,
  );
  if (ui && ui.exitCode === null) {
    const exited = new Promise((r) => ui.once('exit', r));
    ui.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(path.dirname(raydeckHome), { recursive: true, force: true });
});

// ---------- helpers ----------

interface RawReply {
  status: number | null;
  head: string;
}

/** Sends raw bytes to the server and reads the reply's head (or nothing, if it just closed). */
function raw(bytes: string | Buffer, ms = 3000): Promise<RawReply> {
  tried++;
  return new Promise((resolve) => {
    let buf = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf);
      resolve({ status: m ? Number(m[1]) : null, head: buf.split('\r\n\r\n')[0] ?? '' });
    };
    const sock = net.connect(port, '127.0.0.1', () => sock.write(bytes, () => {}));
    const timer = setTimeout(finish, ms);
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n\r\n')) finish();
    });
    sock.on('error', finish);
    sock.on('close', finish);
  });
}

function request(
  method: string,
  target: string,
  headers: Record<string, string>,
  body = '',
): string {
  const lines = [
    `${method} ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const host = () => `127.0.0.1:${port}`;

async function alive(): Promise<void> {
  expect(ui.exitCode, `raydeck ui exited; stderr:\n${stderr}`).toBeNull();
  const r = await raw(
    request('GET', '/', { Host: host(), Authorization: `Bearer ${token}`, Connection: 'close' }),
  );
  tried--; // the liveness probe is not a hostile input
  expect(r.status, `the server stopped answering; stderr:\n${stderr}`).toBe(200);
}

/** Runs async jobs at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

/** A refusal the server may give to garbage: never a 5xx (a bug of ours), never a redirect off-site. */
function expectCalmRefusal(r: RawReply, what: string) {
  if (r.status !== null) expect(r.status, what).toBeLessThan(500);
  expect(r.head, what).not.toMatch(/\r\nLocation: *\/\//i);
  expect(r.head, what).not.toContain(token);
}

interface Api {
  call(
    method: string,
    input: unknown,
  ): Promise<{
    ok: boolean;
    value?: unknown;
    error?: { code: string; message: string; issues?: { path: string; message: string }[] };
  }>;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  closed: Promise<number>;
  close(): void;
}

function openApi(): Promise<Api> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`, {
      maxPayload: 64 * 1024 * 1024,
    });
    const pending = new Map<number, (r: never) => void>();
    let nextId = 1;
    ws.on('error', (err) => {
      if (ws.readyState !== WebSocket.OPEN)
        reject(new Error(`WebSocket failed: ${err.message}; raydeck ui stderr:\n${stderr}`));
    });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { t: string; id?: number; result?: never };
      if (f.t === 'result' && f.id !== undefined) pending.get(f.id)?.(f.result!);
    });
    ws.once('open', () =>
      resolve({
        call(method, input) {
          tried++;
          const id = nextId++;
          return new Promise((r) => {
            pending.set(id, r as never);
            ws.send(JSON.stringify({ t: 'call', id, method, input }));
          });
        },
        sendRaw(data, binary = false) {
          tried++;
          ws.send(data, { binary });
        },
        closed,
        close: () => ws.close(),
      }),
    );
    ws.once('unexpected-response', (_q, res) =>
      reject(new Error(`WebSocket refused: ${res.statusCode}`)),
    );
  });
}

/** The refusal must be a validation error whose issues name a field (or the unknown key). */
function expectFieldRefusal(
  r: Awaited<ReturnType<Api['call']>>,
  field: string | null,
  what: string,
) {
  expect(r.ok, what).toBe(false);
  expect(r.error?.code, what).toBe('validation');
  expect(r.error?.issues?.length, what).toBeGreaterThan(0);
  if (field !== null) {
    expect(
      r.error!.issues!.some(
        (i) => i.path === field || i.path.startsWith(`${field}.`) || i.path.startsWith(`${field}[`),
      ),
      `${what}: ${JSON.stringify(r.error)}`,
    ).toBe(true);
  }
  expect(JSON.stringify(r.error), what).not.toMatch(/\n\s+at /); // no stack traces
}

// ---------- the suite ----------

describe('hostile-input suite', () => {
  it('malformed HTTP: bad cookies, paths, Host, Origin, methods, versions, oversized headers and bodies', async () => {
    const inputs: string[] = [];
    const cookieArb = fc.array(
      fc.tuple(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
        fc.string({ unit: 'binary-ascii', maxLength: 30 }),
      ),
      { minLength: 1, maxLength: 4 },
    );
    for (const pairs of sample(cookieArb, 40, 1)) {
      const cookie =
        pairs.map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, '%')}`).join('; ') +
        '; evil=%E0%A4%A; raydeck-page-1=%';
      inputs.push(request('GET', '/', { Host: host(), Cookie: cookie, Connection: 'close' }));
      inputs.push(
        request('GET', `/api/ws?token=${token}`, {
          Host: host(),
          Cookie: cookie,
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        }),
      );
    }
    const pathArb = fc.string({
      unit: fc.constantFrom(...'/[]%.\\?#@:;~!$&\'()*+,=aZ09 \t"<>^`{|}'.split('')),
      minLength: 1,
      maxLength: 24,
    });
    const paths = [
      '//[',
      '/.//evil.example/',
      '//evil.example/',
      '/%',
      '/%%',
      '/..%2f..%2fetc/passwd',
      '*',
      'http://evil.example/',
      'evil',
      '/\\evil',
      '/%00',
      '/?token=%',
      '/?token=' + 'x'.repeat(10_000),
      `/.//evil.example/?token=${token}`,
      `//[?token=${token}`,
    ];
    for (const p of sample(pathArb, 40, 2)) paths.push(`/${p}`);
    for (const p of paths) {
      inputs.push(
        request('GET', p, { Host: host(), Authorization: `Bearer ${token}`, Connection: 'close' }),
      );
      inputs.push(
        request('GET', p, {
          Host: host(),
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        }),
      );
    }
    for (const h of [
      '',
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `127.0.0.1:${port}.evil`,
      `[::1]:${port}`,
      'localhost',
      `LOCALHOST:${port}\u0000`,
      'x'.repeat(5000),
    ]) {
      inputs.push(request('GET', `/?token=${token}`, { Host: h, Connection: 'close' }));
    }
    for (const o of [
      'null',
      'http://evil.example',
      `http://127.0.0.1:${port}.evil.example`,
      `https://127.0.0.1:${port}`,
      'file://',
      `http://localhost:${port + 1}`,
      '%',
    ]) {
      inputs.push(
        request('GET', '/', {
          Host: host(),
          Origin: o,
          Authorization: `Bearer ${token}`,
          Connection: 'close',
        }),
      );
      inputs.push(
        request('GET', `/api/ws?token=${token}`, {
          Host: host(),
          Origin: o,
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        }),
      );
    }
    for (const m of [
      'POST',
      'PUT',
      'DELETE',
      'PATCH',
      'TRACE',
      'OPTIONS',
      'CONNECT',
      'PROPFIND',
      'BREW',
    ]) {
      inputs.push(
        request(
          m,
          '/',
          {
            Host: host(),
            Authorization: `Bearer ${token}`,
            'Content-Length': '5',
            Connection: 'close',
          },
          'hello',
        ),
      );
    }
    inputs.push(
      `GET / HTTP/1.0\r\n\r\n`,
      `GET /?token=${token} HTTP/1.0\r\n\r\n`,
      `GET / HTTP/1.0\r\nHost: ${host()}\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      'GET /\r\n\r\n',
      'GARBAGE\r\n\r\n',
      '\u0000\u0001\u0002\r\n\r\n',
      `GET / HTTP/9.9\r\nHost: ${host()}\r\n\r\n`,
      request('GET', '/', { Host: host(), 'X-Big': 'a'.repeat(100_000) }),
      request('GET', '/', {
        Host: host(),
        ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`X-H${i}`, 'v'])),
      }),
      request(
        'POST',
        '/',
        {
          Host: host(),
          Authorization: `Bearer ${token}`,
          'Content-Length': String(200 * 1024 * 1024),
        },
        'x'.repeat(1_000_000),
      ),
      request(
        'POST',
        '/',
        { Host: host(), Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked' },
        'zz\r\nnot hex\r\n',
      ),
      request('GET', '/', { Host: host(), 'Content-Length': '-1' }),
      request('GET', '/', { Host: host(), 'Content-Length': '5', 'Transfer-Encoding': 'chunked' }),
      request('GET', '/', { Host: host(), Authorization: 'Bearer ' }),
      request('GET', '/', { Host: host(), Authorization: `Bearer ${token}x` }),
      request('GET', '/', {
        Host: host(),
        Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
      }),
      request('GET', `/api/ws?token=${token}`, {
        Host: host(),
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '8',
        'Sec-WebSocket-Key': 'x',
      }),
      request('GET', `/api/ws?token=${token}`, {
        Host: host(),
        Connection: 'Upgrade',
        Upgrade: 'websocket',
      }),
      request('GET', '/api/ws', {
        Host: host(),
        Cookie: `raydeck-token-${port}=${token}`,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      }),
    );
    await pool(inputs, 8, async (bytes) =>
      expectCalmRefusal(await raw(bytes), JSON.stringify(bytes.slice(0, 120))),
    );
    // The cookie alone (even one holding the token) never opens the API.
    const cookieOnly = await raw(
      request('GET', '/api/ws', {
        Host: host(),
        Cookie: `raydeck-token-${port}=${token}`,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      }),
    );
    expect(cookieOnly.status).toBe(401);
    await alive();
    expect(inputs.length).toBeGreaterThan(150);
  }, 120_000);

  it('malformed and oversized WebSocket frames', async () => {
    const api = await openApi();
    const frames: string[] = [
      '',
      'null',
      '42',
      '"x"',
      '[]',
      '{}',
      '{"t":"call"}',
      '{"t":"call","id":-1,"method":"app.info","input":{}}',
      '{"t":"call","id":1.5,"method":"app.info"}',
      '{"t":"call","id":1e309,"method":"app.info"}',
      '{"t":"sub","event":"__proto__"}',
      '{"t":"sub","event":"constructor"}',
      '{"t":"unsub","event":"nope"}',
      '{"t":"call","id":9,"method":"__proto__","input":{}}',
      '{"t":"call","id":10,"method":"constructor","input":{}}',
      '{"t":"call","id":11,"method":"toString","input":{}}',
      '{"__proto__":{"t":"call"}}',
      '['.repeat(100_000),
      '{"a":'.repeat(50_000),
      '{"t":"call","id":12,"method":"app.info","input":' +
        '['.repeat(5000) +
        ']'.repeat(5000) +
        '}',
    ];
    for (const v of sample(fc.jsonValue({ maxDepth: 4 }), 40, 3)) frames.push(JSON.stringify(v));
    for (const s of sample(fc.string({ unit: 'binary', maxLength: 60 }), 20, 4)) frames.push(s);
    for (const f of frames) api.sendRaw(f);
    for (const b of sample(fc.uint8Array({ minLength: 1, maxLength: 64 }), 10, 5))
      api.sendRaw(Buffer.from(b), true);
    // Still answering on the same socket after all of that.
    expect((await api.call('app.info', {})).ok).toBe(true);
    api.close();
    // Frames that end the socket (over the size limit, invalid UTF-8): the server closes that socket and lives.
    for (const bad of [
      Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
      Buffer.from([0xff]),
      Buffer.from([0xed, 0xa0, 0x80]),
    ]) {
      const s = await openApi();
      s.sendRaw(bad);
      expect([1006, 1007, 1009]).toContain(await s.closed);
    }
    await alive();
  }, 120_000);

  it('every contract method with wrong types is refused with a validation error naming the field', async () => {
    const api = await openApi();
    const wrong: unknown[] = [
      null,
      42,
      'text',
      true,
      [],
      [1, 2],
      { evil: 1 },
      { __proto__: { polluted: true } },
      JSON.parse('{"__proto__":{"polluted":true}}'),
    ];
    const badValues: unknown[] = [
      null,
      1.5,
      -1,
      'x'.repeat(70_000),
      {},
      [],
      true,
      { $gt: '' },
      '\u0000',
    ];
    let calls = 0;
    for (const method of methodNames) {
      const schema = methods[method].input as unknown as {
        safeParse(v: unknown): { success: boolean };
        shape?: Record<string, unknown>;
        def?: { innerType?: { shape?: Record<string, unknown> } };
      };
      const shape = schema.shape ?? schema.def?.innerType?.shape ?? {};
      const candidates: { input: unknown; field: string | null }[] = wrong.map((input) => ({
        input,
        field: null,
      }));
      for (const key of Object.keys(shape))
        for (const v of badValues) candidates.push({ input: { [key]: v }, field: null });
      for (const v of sample(fc.anything({ maxDepth: 2 }), 4, 6 + calls))
        candidates.push({ input: v, field: null });
      for (const candidate of candidates) {
        // What actually travels: the JSON of it (prototypes, undefined and NaN do not survive the wire).
        const input: unknown = JSON.parse(JSON.stringify(candidate.input) ?? 'null');
        if (schema.safeParse(input ?? {}).success) continue; // only inputs the contract refuses (the core reads a missing input as {})
        const r = await api.call(method, input);
        calls++;
        expectFieldRefusal(r, null, `${method} ${JSON.stringify(input)?.slice(0, 100)}`);
        // Each issue says where: a field path, or "(input)" with a message naming what is wrong.
        for (const i of r.error!.issues!)
          expect(i.path.length + i.message.length, method).toBeGreaterThan(0);
      }
      // One field wrong in an otherwise plausible input: the issue names exactly that field.
      for (const key of Object.keys(shape)) {
        const input = { [key]: [[{ wrong: true }]] };
        const local = schema.safeParse(input) as {
          success: boolean;
          error?: { issues: { path: PropertyKey[] }[] };
        };
        if (local.success || !local.error!.issues.some((i) => i.path[0] === key)) continue;
        const r = await api.call(method, input);
        calls++;
        expect(
          r.error?.issues?.some(
            (i) => i.path === key || i.path.startsWith(`${key}.`) || i.path.startsWith(`${key}[`),
          ),
          `${method}.${key}: ${JSON.stringify(r.error)}`,
        ).toBe(true);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(calls).toBeGreaterThan(200);
    api.close();
    await alive();
  }, 120_000);

  it('hostile strings in names, hosts, users, ports, index URLs and ids are refused, naming the field', async () => {
    const api = await openApi();
    const H = hostileStrings(markers);
    const generated = sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), 30, 7);
    const strings = [...H, ...generated];
    const node = (patch: Record<string, unknown>) => ({
      clusterId: baseClusterId,
      name: 'n1',
      host: '10.9.9.9',
      user: 'ray',
      auth: { kind: 'agent' },
      ...patch,
    });
    const fields: { method: string; input: (s: string) => unknown; field: string }[] = [
      { method: 'clusters.create', input: (s) => ({ name: s }), field: 'name' },
      { method: 'clusters.rename', input: (s) => ({ id: baseClusterId, name: s }), field: 'name' },
      { method: 'nodes.add', input: (s) => node({ name: s }), field: 'name' },
      { method: 'nodes.add', input: (s) => node({ host: s }), field: 'host' },
      { method: 'nodes.add', input: (s) => node({ user: s }), field: 'user' },
      { method: 'nodes.add', input: (s) => node({ port: s }), field: 'port' },
      { method: 'nodes.add', input: (s) => node({ role: s }), field: 'role' },
      { method: 'nodes.trust', input: (s) => ({ id: 'x', fingerprint: s }), field: 'fingerprint' },
    ];
    for (const f of fields) {
      const schema = methods[f.method as keyof typeof methods].input;
      for (const s of strings) {
        const input = f.input(s);
        if (schema.safeParse(input).success) continue; // a generated string that happens to be a valid name
        expectFieldRefusal(
          await api.call(f.method, input),
          f.field,
          `${f.method}.${f.field} = ${JSON.stringify(s).slice(0, 60)}`,
        );
      }
    }
    const planSchema = methods['bringup.plan'].input;
    for (const url of [...hostileIndexUrls(markers), ...H]) {
      if (
        planSchema.safeParse({
          clusterId: baseClusterId,
          options: { source: { kind: 'index', url } },
        }).success
      )
        continue; // a real URL (http://evil.example/)
      const r = await api.call('bringup.plan', {
        clusterId: baseClusterId,
        options: { source: { kind: 'index', url } },
      });
      expectFieldRefusal(r, 'options.source.url', `index url ${JSON.stringify(url).slice(0, 80)}`);
    }
    // Ids, step names and terminal input that name nothing: refused or not found, never a crash.
    for (const s of H) {
      for (const [method, input] of [
        ['nodes.list', { clusterId: s }],
        ['nodes.connect', { id: s }],
        ['clusters.remove', { id: s }],
        ['bringup.get', { runId: s }],
        ['bringup.logs', { runId: s, nodeId: s, step: s }],
        ['terminal.write', { terminalId: s, data: s }],
        ['terminal.open', { target: { kind: 'ssh', nodeId: s }, cols: 80, rows: 24 }],
      ] as const) {
        const r = await api.call(method, input);
        expect(r.ok, `${method} ${JSON.stringify(input).slice(0, 80)}`).toBe(false);
        expect(['validation', 'not_found'], `${method}: ${JSON.stringify(r.error)}`).toContain(
          r.error!.code,
        );
      }
    }
    api.close();
    await alive();
    expectNothingPersistedChanged();
  }, 120_000);

  it('hostile ssh configs and import paths: previewed without running anything (Match exec, ProxyCommand, Include)', async () => {
    const api = await openApi();
    const m = (n: number) => path.join(markers, `s${n}`);
    const configs = [
      `Match exec "touch ${m(1)}"\n  User x\nHost a\n  HostName 10.0.0.1`,
      `Host a\n  ProxyCommand touch ${m(2)}\n  HostName 10.0.0.1`,
      `Host a\n  LocalCommand touch ${m(3)}\n  PermitLocalCommand yes\n  HostName 10.0.0.1`,
      `Host $(touch ${m(4)})\n  HostName $(touch ${m(5)})\n  User \`touch ${m(6)}\``,
      `Host a\n  HostName -oProxyCommand=touch${m(7)}`,
      `Include /etc/*\nInclude ../../../../etc/passwd\nInclude ${'x/'.repeat(500)}`,
      `Include ~/.ssh/config\nHost self\n  HostName 10.0.0.1`, // includes itself
      `Host a\n  IdentityFile $(touch ${m(8)})\n  HostName 10.0.0.1`,
      '\u0000\u0001',
      'Host ' + '*'.repeat(10_000),
      `Host a\n${'  HostName 10.0.0.1\n'.repeat(5000)}`,
    ];
    fs.writeFileSync(path.join(userHome, '.ssh', 'config'), configs[6]!);
    for (const text of configs) {
      const r = await api.call('nodes.importPreview', {
        clusterId: baseClusterId,
        source: { kind: 'ssh-config', text },
      });
      expect(r.ok || r.error!.code !== 'internal', JSON.stringify(r.error)).toBe(true);
    }
    for (const p of [
      ...hostileStrings(markers).filter((s) => s.length > 0 && s.length < 4096),
      '/dev/zero',
      '/proc/self/mem',
      '/etc/shadow',
      path.join(userHome, '.ssh'),
    ]) {
      const r = await api.call('nodes.importPreview', {
        clusterId: baseClusterId,
        source: { kind: 'ssh-config-file', path: p },
      });
      expect(
        r.ok || r.error!.code !== 'internal',
        `${JSON.stringify(p).slice(0, 60)}: ${JSON.stringify(r.error)}`,
      ).toBe(true);
    }
    api.close();
    await alive();
    expectNothingPersistedChanged();
  }, 120_000);

  it('hostile Serve configs: diagnosed, never run, never an internal error', async () => {
    const api = await openApi();
    const m = (n: number) => path.join(markers, `v${n}`);
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    const app = (fields: string) =>
      `applications:\n  - name: app1\n    route_prefix: /\n    import_path: raydeck_serve.app:build\n${fields}`;
    const texts = [
      bomb,
      '['.repeat(20_000),
      '{'.repeat(20_000),
      'a: !!python/object/apply:os.system ["touch ' + m(1) + '"]',
      "!!js/function \"function(){ require('child_process').execSync('touch " + m(2) + '\') }"',
      `applications:\n  - name: "$(touch ${m(3)})"\n    import_path: "os:system"\n    args: {cmd: "touch ${m(4)}"}`,
      `applications:\n  - name: x\n    import_path: "__import__('os').system('touch ${m(5)}')"`,
      app(
        `    runtime_env: {pip: ["--index-url http://evil/ x"], working_dir: "file:///etc", env_vars: {LD_PRELOAD: "/tmp/x.so"}}\n`,
      ),
      app(
        '    deployments:\n      - name: "; touch ' +
          m(6) +
          '"\n        num_replicas: -1\n        ray_actor_options: {num_gpus: 1e308}\n',
      ),
      app('    route_prefix: "//evil.example/../"\n'),
      'applications: ' + '[' + '{}, '.repeat(5000) + '{}]',
      '\u0000\u0001\ufffe',
      '%YAML 9.9\n---\na: 1',
      'key: value\n'.repeat(2),
      ...sample(fc.string({ unit: 'binary', maxLength: 200 }), 20, 8),
      ...sample(fc.jsonValue({ maxDepth: 4 }), 20, 9).map((v) => JSON.stringify(v)),
    ];
    for (const text of texts) {
      const r = await api.call('serve.validate', { text });
      if (text === bomb)
        expect(
          r.ok && (r.value as { ok: boolean }).ok,
          'a YAML alias bomb is not a valid config',
        ).toBe(false);
      const what = JSON.stringify(text).slice(0, 80);
      // A config may be valid as Ray sees it (an app named "$(touch …)" importing os:system is
      // well-formed); validation never imports or runs it. Refusals are diagnostics or field errors.
      if (!r.ok) expect(r.error!.code, `${what}: ${JSON.stringify(r.error)}`).toBe('validation');
      else
        expect(Array.isArray((r.value as { diagnostics: unknown }).diagnostics), what).toBe(true);
    }
    for (const [method, input] of [
      ['serve.diff', { clusterId: baseClusterId, text: texts[3] }],
      ['serve.apply', { clusterId: baseClusterId, text: texts[5] }],
      ['serve.apply', { clusterId: `$(touch ${m(7)})`, text: 'applications: []' }],
      ['serve.get', { clusterId: baseClusterId, version: 1 }],
      ['serve.rollback', { clusterId: baseClusterId, version: 99 }],
    ] as const) {
      const r = await api.call(method, input);
      expect(r.ok, method).toBe(false);
      expect(r.error!.code, `${method}: ${JSON.stringify(r.error)}`).not.toBe('internal');
    }
    api.close();
    await alive();
    expectNothingPersistedChanged();
  }, 120_000);

  it('the CLI over the same home: hostile arguments are refused in one line, naming the field', () => {
    const H = hostileStrings(markers).filter((s) => !s.includes('\u0000') && s.length < 10_000);
    const argvs: string[][] = [];
    for (const s of H) {
      argvs.push(['cluster', 'create', s]);
      argvs.push(['cluster', 'rename', 'base', s]);
      argvs.push(['node', 'add', 'base', '--host', s, '--user', 'ray', '--agent']);
      argvs.push([
        'node',
        'add',
        'base',
        '--host',
        '10.0.0.1',
        '--user',
        s,
        '--agent',
        '--name',
        'n1',
      ]);
      argvs.push([
        'node',
        'add',
        'base',
        '--host',
        '10.0.0.1',
        '--user',
        'ray',
        '--agent',
        '--name',
        s,
      ]);
      argvs.push([
        'node',
        'add',
        'base',
        '--host',
        '10.0.0.1',
        '--user',
        'ray',
        '--agent',
        '--name',
        'n1',
        '--port',
        s,
      ]);
    }
    for (const url of hostileIndexUrls(markers).filter((s) => !s.includes('\u0000')))
      argvs.push(['cluster', 'up', 'base', '--index', url]);
    tried += argvs.length;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'e2e/hostile/cli-batch.ts')],
      {
        cwd: root,
        input: JSON.stringify(argvs),
        env: { ...process.env, HOME: userHome, RAYDECK_HOME: raydeckHome },
        encoding: 'utf8',
        timeout: 90_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as {
      argv: string[];
      code: number;
      out: string[];
      err: string[];
    }[];
    expect(results).toHaveLength(argvs.length);
    for (const res of results) {
      const what = JSON.stringify(res.argv).slice(0, 120);
      if (res.code === 0) {
        // Only a help flag given as a value may succeed, and then it printed help.
        expect(
          res.argv.some((a) => a === '--help' || a === '-h'),
          what,
        ).toBe(true);
        expect(res.out[0], what).toMatch(/^Usage/);
        continue;
      }
      expect(res.err.length, what).toBeGreaterThan(0);
      expect(res.err.at(-1), what).toMatch(/^raydeck: /);
      expect(res.err.join('\n'), what).not.toMatch(/\n\s+at /);
      // Validation refusals name the field (Invalid input for <method>: <field>: ...).
      if (/Invalid input/.test(res.err.join(' ')))
        expect(res.err.join(' '), what).toMatch(
          /: (name|host|user|port|options\.source\.url|\(input\)): /,
        );
    }
    expectNothingPersistedChanged();
  }, 120_000);

  it('after all of it: still serving, no marker file anywhere, nothing persisted changed, no escaped error logged', async () => {
    await alive();
    expect(fs.readdirSync(markers)).toEqual([]);
    for (const dir of [root, userHome, raydeckHome, os.tmpdir()]) {
      for (const n of fs.readdirSync(dir)) expect(/^[msuv]\d+$/.test(n), `${dir}/${n}`).toBe(false);
    }
    expectNothingPersistedChanged();
    expect(stderr).not.toMatch(/uncaught error|unhandled rejection/);
    expect(tried).toBeGreaterThanOrEqual(300);
  });
});
