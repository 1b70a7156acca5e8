// Turning CLI arguments into a checked loss: a catalogue id, a spec file, or inline expressions, with
// `--param name=value` overriding declared defaults.

import { checkLoss } from '../loss/check.js';
import { type MarginError, type Result, didYouMean, fail, shownName } from '../errors.js';
import { OUTSIDE_FLAG, checkDomains, outsideText } from '../loss/domain.js';
import { inlineLoss, resolveLoss } from '../loss/file.js';
import type { LossSpec } from '../loss/types.js';
import { parseAssignments } from '../symbolic/point.js';

export interface LossOptions {
  readonly m?: string;
  readonly hw?: string;
  readonly hl?: string;
  readonly Lambda?: string;
  readonly param?: readonly string[];
  /** A TRL config file: the loss it trains (loss/trl-config.ts). */
  readonly trlConfig?: string;
  /** Accept values outside their domain (--outside-domain); every output then says which. */
  readonly outsideDomain?: boolean;
}

export function parseParams(list: readonly string[] | undefined): Result<Record<string, number>> {
  const joined = (list ?? []).join(',');
  if (joined.trim() === '') return { ok: true, value: {} };
  return parseAssignments(joined, '--param');
}

/** Set declared parameters: each must be one the loss declares (an own key: `constructor` is no parameter)
 * and lie in its range, or be allowed outside, which the loss then carries to every output. */
export function withParams(spec: LossSpec, values: Readonly<Record<string, number>>, o: { outsideDomain?: boolean } = {}): Result<LossSpec> {
  const params = { ...spec.source.params };
  const errors: MarginError[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (!Object.hasOwn(params, k)) {
      const guess = didYouMean(k, Object.keys(params));
      errors.push({ code: 'E_PARAM', message: `'${shownName(k)}' is not a parameter of ${spec.source.name}`, at: { slot: '--param', symbol: shownName(k) },
        hint: guess ? `did you mean '${guess}'?` : Object.keys(params).length ? `params: ${Object.keys(params).join(', ')}` : 'this loss has no params' });
    }
  }
  if (errors.length) return { ok: false, errors };
  const outside = checkDomains(values, params, { slot: '--param', allow: o.outsideDomain, code: 'E_PARAM' });
  if (!outside.ok) return outside;
  for (const [k, v] of Object.entries(values)) params[k] = { ...params[k], default: v, source: '--param' };
  const notes = [...(spec.source.notes ?? []), ...outside.value.map((x) => `${outsideText(x)} (${OUTSIDE_FLAG})`)];
  return checkLoss({ ...spec.source, params, ...(outside.value.length ? { outside: outside.value, notes } : {}) });
}

export async function lossFromArgs(ref: string | undefined, o: LossOptions): Promise<Result<LossSpec>> {
  const params = parseParams(o.param);
  if (!params.ok) return params;
  if (o.trlConfig !== undefined) {
    if (ref || o.m !== undefined) return fail({ code: 'E_USAGE', message: 'give either a loss or --trl-config, not both', at: { slot: '--trl-config' } });
    const { loadTrlConfig } = await import('../loss/trl-config.js');
    const spec = await loadTrlConfig(o.trlConfig);
    return spec.ok && Object.keys(params.value).length ? withParams(spec.value, params.value, { outsideDomain: o.outsideDomain }) : spec;
  }
  if (o.m !== undefined || o.hw !== undefined || o.hl !== undefined || o.Lambda !== undefined) {
    if (ref) return fail({ code: 'E_USAGE', message: 'give either a loss (catalogue id or spec file) or inline --m/--hw/--hl/--Lambda, not both', at: { slot: '<loss>' } });
    if (o.m === undefined) return fail({ code: 'E_USAGE', message: 'an inline loss needs --m (h_w and h_l default to a, Lambda to 0)', at: { slot: '--m' } });
    // An inline loss's --param declares its parameters: there is no declared range to check against.
    return inlineLoss({ m: o.m, hw: o.hw, hl: o.hl, Lambda: o.Lambda, params: params.value });
  }
  if (!ref) return fail({ code: 'E_USAGE', message: 'name a loss: a catalogue id (see `marginlab catalogue`), a spec file, or --m …', at: { slot: '<loss>' } });
  const spec = await resolveLoss(ref);
  if (!spec.ok) return spec;
  return Object.keys(params.value).length ? withParams(spec.value, params.value, { outsideDomain: o.outsideDomain }) : spec;
}
