// Turning CLI arguments into a checked loss, the same for every command (docs/guide.md, "Naming a loss"):
// a catalogue id or a spec file (a command's [loss] argument, or --loss), or inline expressions, with
// `--param name=value` overriding declared defaults (declaring them, inline).

import { checkLoss } from '../loss/check.js';
import { type MarginError, type Result, didYouMean, fail, ok, shownName } from '../errors.js';
import { OUTSIDE_FLAG, checkDomains, outsideText } from '../loss/domain.js';
import { inlineLoss, resolveLoss } from '../loss/file.js';
import type { LossSpec } from '../loss/types.js';
import { type LossSelection, selectLosses } from '../loss/select.js';
import { LOSS_FORMS_DOC } from './options.js';
import { parseAssignments } from '../symbolic/point.js';

export interface LossOptions {
  /** --loss: a catalogue id or a spec file (the same as a command's [loss] argument). */
  readonly loss?: string;
  readonly m?: string;
  readonly hw?: string;
  readonly hl?: string;
  readonly Lambda?: string;
  /** --Lambda-l, as commander names it. */
  readonly LambdaL?: string;
  /** --L: the loss written whole. */
  readonly L?: string;
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

const FORMS_HINT = `a catalogue id (see \`marginlab catalogue\`), a spec file, or inline --m … [--hw …] [--hl …] [--Lambda …] [--Lambda-l …] or --L … (${LOSS_FORMS_DOC})`;
const inlineGiven = (o: LossOptions) => o.m !== undefined || o.hw !== undefined || o.hl !== undefined || o.Lambda !== undefined || o.LambdaL !== undefined || o.L !== undefined;

/** The loss named on the command line, or undefined where none is (a command whose loss is optional). */
export async function optionalLossFromArgs(ref: string | undefined, o: LossOptions): Promise<Result<LossSpec | undefined>> {
  if (ref !== undefined && o.loss !== undefined && ref !== o.loss) {
    return fail({ code: 'E_USAGE', message: `the loss is named twice: '${shownName(ref)}' and --loss '${shownName(o.loss)}'`, at: { slot: '--loss' }, hint: 'give one of them' });
  }
  const named = ref ?? o.loss;
  const params = parseParams(o.param);
  if (!params.ok) return params;
  if (o.trlConfig !== undefined) {
    if (named !== undefined || inlineGiven(o)) return fail({ code: 'E_USAGE', message: 'give either a loss or --trl-config, not both', at: { slot: '--trl-config' } });
    const { loadTrlConfig } = await import('../loss/trl-config.js');
    const spec = await loadTrlConfig(o.trlConfig);
    return spec.ok && Object.keys(params.value).length ? withParams(spec.value, params.value, { outsideDomain: o.outsideDomain }) : spec;
  }
  if (inlineGiven(o)) {
    if (named !== undefined) return fail({ code: 'E_USAGE', message: 'give either a loss (catalogue id or spec file) or inline --m/--hw/--hl/--Lambda/--Lambda-l or --L, not both', at: { slot: named === ref ? '<loss>' : '--loss' } });
    if (o.L !== undefined) return inlineLoss({ L: o.L, m: o.m, hw: o.hw, hl: o.hl, Lambda: o.Lambda, Lambda_l: o.LambdaL, params: params.value });
    if (o.m === undefined) {
      const given = (['hw', 'hl', 'Lambda', 'LambdaL'] as const).filter((k) => o[k] !== undefined).map((k) => (k === 'LambdaL' ? '--Lambda-l' : `--${k}`));
      return fail({ code: 'E_USAGE', message: `m is missing — an inline loss needs --m (or the whole loss as --L); found only ${given.join(', ')} (h_w and h_l default to a, Lambda to 0)`, at: { slot: '--m' } });
    }
    // An inline loss's --param declares its parameters: there is no declared range to check against.
    return inlineLoss({ m: o.m, hw: o.hw, hl: o.hl, Lambda: o.Lambda, Lambda_l: o.LambdaL, params: params.value });
  }
  if (named === undefined) {
    if (Object.keys(params.value).length) return fail({ code: 'E_USAGE', message: '--param sets a parameter of a loss, and no loss is named', at: { slot: '--param' }, hint: `name one: ${FORMS_HINT}` });
    return ok(undefined);
  }
  const spec = await resolveLoss(named);
  if (!spec.ok) return named === ref ? spec : { ok: false, errors: spec.errors.map((e) => (e.at?.slot === '<loss>' ? { ...e, at: { ...e.at, slot: '--loss' } } : e)) };
  return Object.keys(params.value).length ? withParams(spec.value, params.value, { outsideDomain: o.outsideDomain }) : spec;
}

/** The loss named on the command line: `ref` is the command's [loss] argument (undefined where it has none). */
export async function lossFromArgs(ref: string | undefined, o: LossOptions): Promise<Result<LossSpec>> {
  const r = await optionalLossFromArgs(ref, o);
  if (!r.ok) return r;
  if (r.value === undefined) return fail({ code: 'E_USAGE', message: 'no loss is named', at: { slot: '--loss' }, hint: `name one: ${FORMS_HINT}` });
  return ok(r.value);
}

/**
 * The losses of a command that takes many (table): catalogue ids and spec files (--losses, --all, --file),
 * and the one loss named the common way (--loss, or inline), which --param applies to.
 */
export async function lossesFromArgs(sel: LossSelection, o: LossOptions): Promise<Result<LossSpec[]>> {
  const one = await optionalLossFromArgs(undefined, o);
  const many = sel.ids || sel.files?.length || one.ok && one.value === undefined ? await selectLosses(sel) : ok([]);
  const errors = [...(one.ok ? [] : one.errors), ...(many.ok ? [] : many.errors)];
  if (errors.length) return { ok: false, errors };
  return ok([...(many.ok ? many.value : []), ...(one.ok && one.value ? [one.value] : [])]);
}
