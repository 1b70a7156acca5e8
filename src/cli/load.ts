// Turning CLI arguments into a checked loss: a catalogue id, a spec file, or inline expressions, with
// `--param name=value` overriding declared defaults.

import { checkLoss } from '../spec/check.js';
import { type MarginError, type Result, didYouMean, fail } from '../spec/errors.js';
import { inlineLoss, resolveLoss } from '../spec/resolve.js';
import type { LossSpec } from '../spec/types.js';
import { parseAssignments } from '../symbolic/point.js';

export interface LossOptions {
  readonly m?: string;
  readonly hw?: string;
  readonly hl?: string;
  readonly Lambda?: string;
  readonly param?: readonly string[];
}

export function parseParams(list: readonly string[] | undefined): Result<Record<string, number>> {
  const joined = (list ?? []).join(',');
  if (joined.trim() === '') return { ok: true, value: {} };
  return parseAssignments(joined, '--param');
}

export function withParams(spec: LossSpec, values: Readonly<Record<string, number>>): Result<LossSpec> {
  const params = { ...spec.source.params };
  const errors: MarginError[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (!params[k]) {
      const guess = didYouMean(k, Object.keys(params));
      errors.push({ code: 'E_PARAM', message: `'${k}' is not a parameter of ${spec.source.name}`, at: { slot: '--param', symbol: k },
        hint: guess ? `did you mean '${guess}'?` : Object.keys(params).length ? `params: ${Object.keys(params).join(', ')}` : 'this loss has no params' });
    } else params[k] = { ...params[k], default: v };
  }
  if (errors.length) return { ok: false, errors };
  return checkLoss({ ...spec.source, params });
}

export async function lossFromArgs(ref: string | undefined, o: LossOptions): Promise<Result<LossSpec>> {
  const params = parseParams(o.param);
  if (!params.ok) return params;
  if (o.m !== undefined || o.hw !== undefined || o.hl !== undefined || o.Lambda !== undefined) {
    if (ref) return fail({ code: 'E_USAGE', message: 'give either a loss (catalogue id or spec file) or inline --m/--hw/--hl/--Lambda, not both' });
    if (o.m === undefined) return fail({ code: 'E_USAGE', message: 'an inline loss needs --m (h_w and h_l default to a, Lambda to 0)' });
    return inlineLoss({ m: o.m, hw: o.hw, hl: o.hl, Lambda: o.Lambda, params: params.value });
  }
  if (!ref) return fail({ code: 'E_USAGE', message: 'name a loss: a catalogue id (see `marginlab catalogue`), a spec file, or --m …' });
  const spec = await resolveLoss(ref);
  if (!spec.ok) return spec;
  return Object.keys(params.value).length ? withParams(spec.value, params.value) : spec;
}
