/**
 * The engine-argument extractor on a small stand-in wheel (two source files shaped like vLLM's):
 * it reads fields with ast, follows `ModelConfig.x` defaults into vllm/config, takes a pydantic
 * `Field(default=...)`, skips ClassVar but keeps private names (Ray's `dataclasses.fields` lists them), lets a subclass redeclare a field, and
 * never imports what it reads. Also: the committed JSON names the real vLLM 0.29.0 wheel.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-engine-args-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ARG_UTILS = `
import torch  # never imported by the extractor
from typing import ClassVar
from vllm.config import ModelConfig, CacheConfig

@dataclass
class EngineArgs:
    model: str = ModelConfig.model
    dtype: ModelDType = ModelConfig.dtype
    gpu_memory_utilization: float = CacheConfig.gpu_memory_utilization
    max_model_len: int | None = None
    tokens_only: bool = False
    _private: int = 0
    registry: ClassVar[dict] = {}
    hf_overrides: HfOverrides = field(default_factory=dict)

@dataclass
class AsyncEngineArgs(EngineArgs):
    enable_log_requests: bool = False
`;
const CLI_ARGS = `
@config
class BaseFrontendArgs:
    chat_template: str | None = None
    tokens_only: bool = False

@config
class FrontendArgs(BaseFrontendArgs):
    host: str | None = None
    port: int = 8000
`;
const CONFIG = `
class ModelConfig:
    model: str = "Qwen/Qwen3-0.6B"
    dtype: ModelDType = "auto"

class CacheConfig:
    gpu_memory_utilization: float = Field(default=0.92, gt=0, le=1)
`;

function fakeWheel(): string {
  const wheel = path.join(dir, 'vllm-9.9.9-py3-none-any.whl');
  const script = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("vllm/engine/arg_utils.py", sys.argv[2])
    z.writestr("vllm/entrypoints/launchers/cli_args.py", sys.argv[3])
    z.writestr("vllm/config/model.py", sys.argv[4])
`;
  execFileSync('python3', ['-c', script, wheel, ARG_UTILS, CLI_ARGS, CONFIG]);
  return wheel;
}

describe('scripts/serve/extract-engine-args.py', () => {
  it('reads the fields of the engine and frontend argument classes from source', () => {
    const out = path.join(dir, 'out.json');
    execFileSync('python3', [
      path.join(ROOT, 'scripts/serve/extract-engine-args.py'),
      '--version',
      '9.9.9',
      '--wheel',
      fakeWheel(),
      '--out',
      out,
    ]);
    const result = JSON.parse(fs.readFileSync(out, 'utf8'));
    const byName = Object.fromEntries(result.fields.map((f: { name: string }) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual([
      '_private',
      'chat_template',
      'dtype',
      'enable_log_requests',
      'gpu_memory_utilization',
      'hf_overrides',
      'host',
      'max_model_len',
      'model',
      'port',
      'tokens_only',
    ]);
    expect(result).toMatchObject({ vllm_version: '9.9.9', count: 11 });
    expect(byName.model).toMatchObject({
      kind: 'engine',
      declared_as: 'ModelConfig.model',
      default: 'Qwen/Qwen3-0.6B',
    });
    expect(byName.dtype).toMatchObject({ type: 'ModelDType', default: 'auto' });
    expect(byName.gpu_memory_utilization).toMatchObject({ type: 'float', default: 0.92 });
    expect(byName.hf_overrides).toMatchObject({ default_expr: 'field(default_factory=dict)' });
    expect(byName.max_model_len).toMatchObject({ type: 'int | None', default: null });
    expect(byName.tokens_only).toMatchObject({ kind: 'frontend', class: 'BaseFrontendArgs' });
    expect(byName.enable_log_requests).toMatchObject({ class: 'AsyncEngineArgs' });
  });

  it('the committed engine-args-0.29.0.json comes from the vLLM 0.29.0 wheel and has its 293 names (with _api_process_count and _api_process_rank)', () => {
    const json = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'shared/serve/engine-args-0.29.0.json'), 'utf8'),
    );
    expect(json.vllm_version).toBe('0.29.0');
    expect(json.source).toMatch(/^vllm-0\.29\.0-cp38-abi3-manylinux_2_28_x86_64\.whl: /);
    expect(json.count).toBe(293);
    expect(json.fields.filter((f: { kind: string }) => f.kind === 'engine').length).toBe(236);
    const names = json.fields.map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(['_api_process_count', '_api_process_rank']));
  });
});
