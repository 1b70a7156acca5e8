// A default lives in one place per language, and the two places agree: the reference trainer's request
// dataclass (src/trainer/python/ml_request.py), which a hand-written request falls back on, equals the request
// marginlab builds from DEFAULT_SETTINGS, field by field — so a request that leaves a field out trains what
// `marginlab train` would have.
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mustDerive } from '../../src/symbolic/derive.js';
import { RequestSchema } from '../../src/trainer/protocol/schema.js';
import { DEFAULT_LORA_RANK, DEFAULT_SETTINGS, buildRequest } from '../../src/trainer/request.js';
import { catalogueSpec } from './helpers.js';
import { PYTHON, TRAINER, requireTorch } from './torch.js';

interface PyDefaults {
  required: string[];
  request: Record<string, unknown>;
  tiny: Record<string, unknown>;
  hf: Record<string, unknown>;
}

function pythonDefaults(): PyDefaults {
  const code = `import sys, json; sys.path.insert(0, ${JSON.stringify(dirname(TRAINER))}); import ml_request; print(json.dumps(ml_request.defaults()))`;
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as PyDefaults;
}

// What a request carries that is not a setting: the protocol's header, and the probe points (content that
// marginlab computes for each loss; a trainer has none of its own).
const NOT_SETTINGS = ['v', 'type', 'checks'];
// Defaults the trainer keeps that the request schema has no field for, each with its reason in ml_request.py.
const TRAINER_ONLY = ['sft_batch'];

describe('the trainer request defaults', () => {
  const py = pythonDefaults();
  const built = buildRequest(mustDerive(catalogueSpec('dpo')), { ...DEFAULT_SETTINGS, task: { kind: 'long' } });
  if (!built.ok) throw new Error(built.errors.map((e) => e.message).join('; '));
  const req = built.value as unknown as Record<string, unknown>;

  it('every request field is either required by the trainer or has a trainer default equal to marginlab\'s', () => {
    for (const key of Object.keys(RequestSchema.shape)) {
      if (NOT_SETTINGS.includes(key) || py.required.includes(key)) continue;
      if (key === 'model') continue; // compared below, per model kind
      expect(py.request, `ml_request has no default for '${key}'`).toHaveProperty(key);
      expect(py.request[key], key).toEqual(req[key]);
    }
    expect(py.required).toEqual(['task', 'loss', 'seed', 'steps', 'lr']);
  });

  it('the trainer holds no default the request schema lacks, other than the ones named here', () => {
    const schema = Object.keys(RequestSchema.shape);
    expect(Object.keys(py.request).length).toBeGreaterThan(10);
    expect(Object.keys(py.request).filter((k) => !schema.includes(k))).toEqual(TRAINER_ONLY);
  });

  it('the model defaults agree: the tiny LM\'s shape and the LoRA rank', () => {
    expect(py.tiny).toEqual(DEFAULT_SETTINGS.model);
    expect(py.hf).toEqual({ lora_rank: DEFAULT_LORA_RANK });
  });
});

describe('a request written by hand', () => {
  beforeAll(requireTorch);
  const built = buildRequest(mustDerive(catalogueSpec('dpo')), { ...DEFAULT_SETTINGS, task: { kind: 'single' } });
  if (!built.ok) throw new Error(built.errors.map((e) => e.message).join('; '));
  const loss = built.value.loss;
  const send = (req: unknown) => {
    const r = spawnSync(PYTHON, [TRAINER], { input: `${JSON.stringify(req)}\n`, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, events: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  it('falls back on the defaults for what it leaves out (64 held-out pairs)', () => {
    const r = send({ v: 1, type: 'request', task: { kind: 'single' }, loss, seed: 3, steps: 2, lr: 0.01, sft_steps: 0, measure: { token_cosine: false } });
    expect(r.status).toBe(0);
    expect(r.events.find((e) => e.event === 'task')!.heldout).toBe(64);
    expect(r.events.filter((e) => e.event === 'eval').map((e) => e.pairs)).toEqual([64, 64]);
    expect((r.events.find((e) => e.event === 'step')!.pairs as unknown[]).length).toBe(DEFAULT_SETTINGS.batchSize);
  }, 120_000);

  it.each([
    ['another version', { v: 2 }, 'E_PROTOCOL_VERSION', /protocol 2/],
    ['no learning rate', { lr: undefined }, 'E_PROTOCOL', /lacks 'lr'/],
    ['an unknown variant', { variant: 'telepathic' }, 'E_PROTOCOL', /unknown variant 'telepathic'/],
    ['a task that is not an object', { task: 'long' }, 'E_PROTOCOL', /'task' must be an object/],
  ])('refuses %s with a coded error and exit 2', (_what, change, code, message) => {
    const r = send({ v: 1, type: 'request', task: { kind: 'single' }, loss, seed: 3, steps: 2, lr: 0.01, ...change });
    expect(r.status).toBe(2);
    const err = r.events.at(-1)!;
    expect(err.event).toBe('error');
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  }, 60_000);
});
