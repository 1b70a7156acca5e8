// The loss in the URL: `#loss=<catalogue id>` for an unedited catalogue loss, else `#spec=<base64url of
// the spec as JSON>`. What comes back from a URL is untrusted and goes through exactly the path of a spec
// file — parseSpecText (YAML/JSON parser, zod schema with no unknown keys) and then checkLoss's
// allow-list — so a link can carry nothing a file could not.

import { findEntry } from '../../src/loss/catalogue/index.js';
import { type MarginError, didYouMean } from '../../src/errors.js';
import { fromCatalogue, parseSpecText } from '../../src/loss/source.js';
import { checkParams } from '../../src/loss/check.js';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import type { LossSource } from '../../src/loss/types.js';

/** A link longer than this is refused before decoding (each expression is capped at 4000 characters anyway). */
const MAX_HASH = 24_000;

/** The spec-file form of a loss (what `marginlab derive file.yaml` reads). */
export function specObject(s: LossSource) {
  const params = Object.fromEntries(Object.entries(s.params).map(([k, p]) => [k, {
    default: p.default,
    ...(p.description && p.description !== k ? { description: p.description } : {}),
    ...(p.range ? { range: [...p.range] } : {}),
    ...(p.tex ? { tex: p.tex } : {}),
  }]));
  return { name: s.name, ...(Object.keys(params).length ? { params } : {}), m: s.m, h_w: s.h_w, h_l: s.h_l, Lambda: s.Lambda };
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string | undefined {
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

export function shareHash(s: LossSource): string {
  if (s.origin === `catalogue:${s.id}`) return `#loss=${encodeURIComponent(s.id)}`;
  return `#spec=${toBase64Url(JSON.stringify(specObject(s)))}`;
}

export type HashLoss =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly source: LossSource }
  | { readonly kind: 'error'; readonly errors: readonly MarginError[] };

const urlError = (message: string, hint?: string): HashLoss => ({ kind: 'error', errors: [{ code: 'E_SPEC', message, at: { file: 'URL' }, hint }] });

export async function readHash(hash: string): Promise<HashLoss> {
  if (hash.length > MAX_HASH) return urlError(`the link's loss is ${hash.length} characters long; the limit is ${MAX_HASH}`);
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const id = params.get('loss');
  if (id !== null) {
    const entry = findEntry(id);
    if (entry) return { kind: 'ok', source: fromCatalogue(entry) };
    const guess = didYouMean(id, CATALOGUE.map((e) => e.id));
    return { kind: 'error', errors: [{ code: 'E_UNKNOWN_LOSS', message: `the link names a loss that is not in the catalogue: '${id.slice(0, 80)}'`,
      at: { file: 'URL' }, hint: guess ? `did you mean '${guess}'?` : undefined }] };
  }
  const spec = params.get('spec');
  if (spec === null) return { kind: 'none' };
  const text = fromBase64Url(spec);
  if (text === undefined) return urlError("the link's spec is not valid base64url-encoded UTF-8");
  const r = await parseSpecText(text, 'URL');
  if (!r.ok) return { kind: 'error', errors: r.errors };
  // Checked here too, so that a link whose params break the rules (a `tex` that is not a symbol, such as
  // \rule{10000em}{10000em} or -\beta) is refused at the link, before any of it reaches the form.
  const checked = checkParams(r.value.params);
  return checked.length ? { kind: 'error', errors: checked.map((e) => ({ ...e, at: { ...e.at, file: 'URL' } })) } : { kind: 'ok', source: r.value };
}
