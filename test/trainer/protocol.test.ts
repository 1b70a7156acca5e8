// Every protocol line a trainer sends is validated: version, schema — each failure a located error value; a
// line that is no protocol event at all (a library's warning) is stray: counted, not fatal.
import { describe, expect, it } from 'vitest';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { parseEventLine } from '../../src/trainer/protocol/parse.js';
import { RequestSchema } from '../../src/trainer/protocol/schema.js';
import { buildRequest, DEFAULT_SETTINGS } from '../../src/trainer/request.js';

const pair = { logp_w: -1, logp_l: -2, c_ref_w: -1, c_ref_l: -2, len_w: 1, len_l: 1, z_ref: 0, dW: 0.05, dL: 0.05,
  inner_wl: -1, norm_w2: 2, norm_l2: 2, cos_wl: -0.5, pred_dlogp_w_sign: 1, pred_dlogp_l_sign: -1,
  fo_dlogp_w: 0.1, fo_dlogp_l: -0.1, obs_dlogp_w: 0.1, obs_dlogp_l: -0.1 };
const line = (o: unknown) => JSON.stringify(o);

describe('trainer protocol: event lines', () => {
  it('accepts a valid step event and keeps extra fields', () => {
    const r = parseEventLine(line({ v: 1, event: 'step', step: 3, loss: 0.69, pairs: [{ ...pair, extra: 7 }] }), 5);
    expect(r.ok).toBe(true);
    if (r.ok && r.event.event === 'step') expect((r.event.pairs[0] as Record<string, unknown>).extra).toBe(7);
  });
  it.each([
    ['another version', line({ v: 2, event: 'heartbeat', t: 1 }), 'E_PROTOCOL_VERSION', /version 2; marginlab speaks 1/],
    ['no version', line({ event: 'heartbeat', t: 1 }), 'E_PROTOCOL_VERSION', /version undefined/],
    ['an unknown event', line({ v: 1, event: 'teleport' }), 'E_PROTOCOL', /event/],
    ['a step without pairs', line({ v: 1, event: 'step', step: 1, loss: 0.5, pairs: [] }), 'E_PROTOCOL', /pairs/],
    ['an event that is not JSON (a NaN)', '{"v": 1, "event": "step", "step": 1, "loss": NaN, "pairs": []}', 'E_PROTOCOL', /line 4 is an event but not JSON/],
    ['a pair with a string where a number goes', line({ v: 1, event: 'step', step: 1, loss: 0.5, pairs: [{ ...pair, dW: 'x' }] }), 'E_PROTOCOL', /pairs\.0\.dW/],
    ['a prediction that is not a sign', line({ v: 1, event: 'step', step: 1, loss: 0.5, pairs: [{ ...pair, pred_dlogp_w_sign: 2 }] }), 'E_PROTOCOL', /pred_dlogp_w_sign/],
  ])('rejects %s', (_what, text, code, msg) => {
    const r = parseEventLine(text, 4);
    expect(r.ok).toBe(false);
    if (!r.ok) { expect(r.errors[0].code).toBe(code); expect(r.errors[0].message).toMatch(msg); expect(r.errors[0].at).toEqual({ slot: 'trainer stdout', line: 4 }); }
  });
  it.each([
    ['a warning a library printed', 'UserWarning: TypedStorage is deprecated'],
    ['a traceback line', 'Traceback (most recent call last):'],
    ['an array', '[1,2]'],
    ['a number', '42'],
    ['an object that is no event', line({ progress: 0.5 })],
  ])('passes %s through as stray, not fatal', (_what, text) => {
    expect(parseEventLine(text, 4)).toEqual({ ok: true, stray: text });
  });
  it('clips a long stray line', () => {
    const r = parseEventLine('x'.repeat(500), 1);
    expect(r.ok && 'stray' in r && r.stray.length).toBe(120);
  });
});

describe('trainer protocol: the request', () => {
  const d = mustDerive((checkLoss(fromCatalogue(findEntry('simpo')!)) as { value: never }).value);
  const req = buildRequest(d, { ...DEFAULT_SETTINGS, task: { kind: 'long' } });
  it('is built to its schema, with code, expressions and probe checks', () => {
    expect(req.ok).toBe(true);
    if (!req.ok) return;
    expect(RequestSchema.safeParse(req.value).success).toBe(true);
    expect(req.value.loss.python).toContain('def loss_fn(');
    expect(req.value.loss.expression.h_w).toContain('len_w');
    expect(req.value.checks.length).toBeGreaterThan(0);
  });
  it('rejects a request of another version or without its loss', () => {
    if (!req.ok) throw new Error('no request');
    expect(RequestSchema.safeParse({ ...req.value, v: 2 }).success).toBe(false);
    const { loss: _loss, ...rest } = req.value;
    expect(RequestSchema.safeParse(rest).success).toBe(false);
  });
});
