// The JSON schema of `marginlab derive --json` (marginlab/derive@1, derivationJson in ../derivation.ts),
// as a zod schema: the property suite validates every derivation against it, and a program reading
// the output can parse it with the same schema.
import { z } from 'zod';
import { SLOTS } from '../../loss/types.js';

const rendered = z.object({ text: z.string().min(1), tex: z.string().min(1) }).strict();
const piecewise = <T extends z.ZodType>(v: T) => z.union([v, z.object({ piecewise: z.array(z.object({ when: z.string().min(1), value: v }).strict()).min(2) }).strict()]);
const witness = z.object({ values: z.record(z.string(), z.number()), value: z.number(), regime: z.string() }).strict();
const weightAudit = z.object({
  negative: z.number().int().nonnegative(), zero: z.number().int().nonnegative(), positive: z.number().int().nonnegative(),
  underflow: z.number().int().nonnegative(), uncertain: z.number().int().nonnegative(),
  // null in the serialized JSON when no sample was valid (JSON has no Infinity).
  min: z.number().nullable(), witness: witness.nullable(),
}).strict();

const weightProof = z.object({
  claim: z.string(), status: z.enum(['proved', 'refuted', 'undecided']), witness: z.record(z.string(), z.number()).nullable(),
  witnessValue: z.number().nullable(), witnessEnclosure: z.tuple([z.number(), z.number()]).nullable(), boxes: z.number().int().nonnegative(), remainingShare: z.number().min(0).max(1),
}).strict();

export const deriveSchema = z.object({
  schema: z.literal('marginlab/derive@1'),
  loss: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    origin: z.string(),
    citation: z.object({ key: z.string(), authors: z.string(), title: z.string(), venue: z.string(), year: z.number(), url: z.string().optional() }).strict().nullable(),
    params: z.record(z.string(), z.object({ default: z.number(), description: z.string(), source: z.string().nullable() }).strict()),
    form: z.enum(['margin', 'general']),
    /** The slots as written; null for a loss written whole as L. */
    slots: z.object({
      m: rendered.extend({ source: z.string() }), h_w: rendered.extend({ source: z.string() }),
      h_l: rendered.extend({ source: z.string() }), Lambda: rendered.extend({ source: z.string() }),
      /** The rejected-side term Λ_l(a) at logp_l ('0' for most losses). */
      Lambda_l: rendered.extend({ source: z.string() }),
    }).strict().nullable(),
    /** The general L as written; null for the slots' form. */
    general: rendered.extend({ source: z.string() }).nullable(),
    where: z.record(z.string(), z.string()),
    notes: z.array(z.string()),
  }).strict(),
  u: rendered.nullable(),
  L: rendered,
  /** Whether the loss is margin-based: written so, recovered from a general L (a proof), or undecided. */
  marginForm: z.object({
    status: z.enum(['margin-based', 'undecided']), how: z.enum(['written', 'recovered']).nullable(), reason: z.string().min(1),
    slots: z.object(Object.fromEntries(SLOTS.map((k) => [k, rendered])) as Record<(typeof SLOTS)[number], typeof rendered>).strict().nullable(),
  }).strict(),
  dW: piecewise(rendered),
  dL: piecewise(rendered),
  ratio: piecewise(rendered.nullable()),
  regimes: z.array(z.object({
    index: z.number().int().nonnegative(),
    label: z.string().min(1),
    constraints: z.array(z.object({ text: z.string(), tex: z.string(), hinge: z.string(), slot: z.enum([...SLOTS, 'L']) }).strict()),
    samples: z.number().int().nonnegative().nullable(),
    u: rendered.nullable(), mPrime: rendered.nullable(), dW: rendered, dL: rendered,
    ratio: rendered.nullable(), invRatio: rendered.nullable(),
    conditions: z.array(z.object({
      direction: z.enum(['chosen-up', 'chosen-down', 'rejected-down', 'rejected-up']),
      equation: z.string(), statement: z.string(),
      branches: z.array(z.object({
        when: z.string().regex(/^d_[wl] [<>=] 0$/), whenTex: z.string(), observed: z.boolean().nullable(),
        /** The branch's sign condition contradicts a proved fact (d_l > 0 proved excludes "d_l < 0"). */
        excludedByProof: z.boolean(), text: z.string().min(1), tex: z.string().min(1),
      }).strict()).min(1),
    }).strict()).length(4),
    /** Statements that hold on the whole regime because the interval prover fixed a weight's sign. */
    unconditional: z.array(z.string()),
    cases: z.array(z.object({ id: z.number().int().min(1).max(4), label: z.string(), requires: z.array(z.string()).length(2) }).strict()).length(4),
  }).strict()).min(1),
  audit: z.object({
    seed: z.number(), samples: z.number().int().positive(), drawn: z.number().int().nonnegative(), valid: z.number().int().nonnegative(),
    /** 'proved': no point drawn, the proofs decided both weights' signs in every regime first (derive's default). */
    skipped: z.literal('proved').nullable(),
    dW: weightAudit, dL: weightAudit, findings: z.array(z.string()).length(2),
    proofs: z.array(z.object({
      regime: z.number().int().nonnegative(), label: z.string(), dW: weightProof, dL: weightProof,
    }).strict()).nullable(),
  }).strict().nullable(),
  rules: z.array(z.object({ rule: z.string(), formula: z.string() }).strict()),
}).strict();

export type DeriveJson = z.infer<typeof deriveSchema>;
