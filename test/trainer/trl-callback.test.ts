// marginlab inside a TRL run: TRL 1.13's own DPOTrainer (sigmoid, full fine-tuning; ipo with LoRA), CPO
// trainer and KTOTrainer (kto, full and with LoRA; apo_zero_unpaired) run a few steps on a tiny random float64 GPT-2
// with python/marginlab_trl's MarginlabCallback bound (test/trainer/fixtures/trl_callback_run.py). The callback's d_w, d_l must equal marginlab's derivation of the
// trl/... entry the saved config maps to, at the logged log-probabilities (1e-6 relative); its Gram entries must
// equal a direct per-pair autograd computation made at the same moment (1e-9); its metrics must be in the
// trainer's log_history; `marginlab ingest --trl-config` of its events must succeed and `marginlab report` draw
// from the run. Needs .venv-hf with trl 1.13 and peft; never skipped: without it this fails and says how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrlConfig } from '../../src/loss/trl-config.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { tmp } from './helpers.js';

const HF_PYTHON = process.env.MARGINLAB_HF_PYTHON ?? resolve('.venv-hf/bin/python');
const RUNNER = resolve('test/trainer/fixtures/trl_callback_run.py');
const CLI = resolve('bin/marginlab.js');

// `entry`: the trl/... entry the saved config maps to; `inBatch`: the pairs a batch of 4 rows holds (KTO's rows are
// unpaired, one pair at a time: 2); `plain`: also run without the callback, whose own log must be the same.
const CASES = [
  { id: 'dpo-sigmoid', trainer: 'dpo', entry: 'trl/dpo:sigmoid', config: { beta: 0.1 }, lora: false, steps: 3, every: 1, pairs: 2, inBatch: 4, plain: true },
  { id: 'dpo-ipo-lora', trainer: 'dpo', entry: 'trl/dpo:ipo', config: { beta: 0.5, loss_type: ['ipo'] }, lora: true, steps: 3, every: 2, pairs: 3, inBatch: 4, plain: false },
  { id: 'cpo-sigmoid', trainer: 'cpo', entry: 'trl/cpo:sigmoid', config: { beta: 0.2, cpo_alpha: 1.0 }, lora: false, steps: 2, every: 1, pairs: 4, inBatch: 4, plain: false },
  // KTO: rows unpaired in blocks of half a batch, [w_i, w_j, l_i, l_j]; with LoRA (the reference is the policy
  // without its adapter) permuted to [w_i, w_j, l_j, l_i]; apo_zero_unpaired with precomputed reference logps.
  { id: 'kto', trainer: 'kto', entry: 'trl/kto:kto', config: { beta: 0.2, desirable_weight: 1.2 }, lora: false, steps: 3, every: 1, pairs: 4, inBatch: 2, plain: true },
  { id: 'kto-lora', trainer: 'kto', entry: 'trl/kto:kto', config: { beta: 0.5, learning_rate: 0.05 }, lora: true, order: [0, 1, 3, 2], steps: 3, every: 1, pairs: 2, inBatch: 2, plain: false },
  { id: 'kto-apo', trainer: 'kto', entry: 'trl/kto:apo_zero_unpaired', config: { beta: 0.3, loss_type: 'apo_zero_unpaired', precompute_ref_log_probs: true }, lora: false, steps: 2, every: 1, pairs: 1, inBatch: 2, plain: false },
] as const;
// KTO rows unpaired as TRL's own unpairing writes them by default (a block of up to 1000 pairs, its desirable rows
// first): no batch of 4 holds a pair. Two micro-batches a step: a step is offered once, by its first.
const UNPAIRED = { id: 'kto-blocks', trainer: 'kto', config: { beta: 0.2, gradient_accumulation_steps: 2 }, lora: false, steps: 2, every: 1, pairs: 2, unpair_batch: 1000 } as const;

type Pair = Record<string, number>;
interface Ran { id: string; events: string; config: string; log_history: Record<string, number>[]; direct: Pair[][]; trained: string[]; unpaired_steps: number; plain_history?: Record<string, number>[] }
let ran = new Map<string, Ran>();
const dir = tmp('trl-callback');

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
const stepsOf = (r: Ran) => readFileSync(r.events, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.event === 'step');

beforeAll(() => {
  const probe = existsSync(HF_PYTHON) ? spawnSync(HF_PYTHON, ['-c', 'import trl, peft, datasets; assert trl.__version__ == "1.13.0", trl.__version__'], { encoding: 'utf8' }) : null;
  if (!probe || probe.status !== 0) {
    throw new Error(`the TRL callback tests need trl 1.13.0, peft and datasets in ${HF_PYTHON} (MARGINLAB_HF_PYTHON overrides); ` +
      `bash scripts/test-all.sh makes .venv-hf. ${probe?.stderr ?? 'not found'}`);
  }
  const r = spawnSync(HF_PYTHON, [RUNNER], { input: JSON.stringify({ dir, cases: [...CASES, UNPAIRED] }), encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`trl_callback_run.py failed: ${r.stderr.slice(-3000)}`);
  const out = JSON.parse(r.stdout) as { cases: Ran[]; trl: string };
  expect(out.trl).toBe('1.13.0');
  ran = new Map(out.cases.map((c) => [c.id, c]));
}, 900_000);

describe('MarginlabCallback in TRL 1.13 trainers', () => {
  for (const c of CASES) {
    describe(c.id, () => {
      it('measures every k-th step, n pairs each', () => {
        const steps = stepsOf(ran.get(c.id)!);
        const due = Array.from({ length: c.steps }, (_, i) => i).filter((i) => i % c.every === 0);
        expect(steps.map((s) => s.step)).toEqual(due);
        for (const s of steps) expect(s.pairs).toHaveLength(Math.min(c.pairs, c.inBatch));
      });

      it("d_w, d_l equal marginlab's derivation of the config's trl/... entry at the logged log-probabilities (1e-6)", async () => {
        const r = ran.get(c.id)!;
        const spec = await loadTrlConfig(r.config);
        if (!spec.ok) throw new Error(spec.errors[0].message);
        expect(spec.value.source.id).toBe(c.entry);
        const compiled = compileDerivation(mustDerive(spec.value));
        let compared = 0;
        for (const s of stepsOf(r)) {
          for (const p of s.pairs as Pair[]) {
            const pt = completePoint(compiled.derivation, { logp_w: p.logp_w, logp_l: p.logp_l, c_ref_w: p.c_ref_w, c_ref_l: p.c_ref_l, len_w: p.len_w, len_l: p.len_l, z_ref: p.z_ref });
            if (!pt.ok) throw new Error(pt.errors[0].message);
            const ev = evaluateAt(compiled, pt.value, ['dW', 'dL']);
            if (!ev.ok) throw new Error(ev.errors[0].message);
            const where = `${c.id} step ${s.step} at ${JSON.stringify(p)}: marginlab d_w=${ev.value.dW}, d_l=${ev.value.dL}`;
            expect(rel(p.dW, ev.value.dW), where).toBeLessThan(1e-6);
            expect(rel(p.dL, ev.value.dL), where).toBeLessThan(1e-6);
            compared++;
          }
        }
        expect(compared).toBeGreaterThan(0);
      });

      it('Gram entries and log-probabilities equal a direct per-pair autograd computation (1e-9)', () => {
        const r = ran.get(c.id)!;
        const steps = stepsOf(r);
        expect(r.direct).toHaveLength(steps.length);
        steps.forEach((s, i) => (s.pairs as Pair[]).forEach((p, j) => {
          const d = r.direct[i][j];
          for (const k of ['logp_w', 'logp_l', 'inner_wl', 'norm_w2', 'norm_l2']) {
            expect(rel(p[k], d[k]), `${c.id} step ${s.step} pair ${j} ${k}: callback ${p[k]}, direct ${d[k]}`).toBeLessThan(1e-9);
          }
          expect(p.norm_w2).toBeGreaterThan(0);
          expect(p.cos_wl).toBeCloseTo(d.inner_wl / Math.sqrt(d.norm_w2 * d.norm_l2), 9);
          // The first-order prediction's sign is conditions (9)/(10): Δlogp_w ∝ d_w‖a‖² − d_l⟨a,b⟩.
          expect(p.pred_dlogp_w_sign).toBe(Math.sign(p.dW * d.norm_w2 - p.dL * d.inner_wl));
          expect(p.pred_dlogp_l_sign).toBe(Math.sign(p.dW * d.inner_wl - p.dL * d.norm_l2));
          expect(Number.isFinite(p.obs_dlogp_w) && p.obs_dlogp_w !== 0).toBe(true);
        }));
      });

      it("logs its metrics through the trainer's log: in trainer.state.log_history at the measured steps", () => {
        const r = ran.get(c.id)!;
        const rows = r.log_history.filter((h) => 'marginlab/dW' in h);
        expect(rows.map((h) => h.step)).toEqual(stepsOf(r).map((s) => s.step + 1));
        for (const h of rows) {
          for (const k of ['logp_w', 'logp_l', 'dW', 'dL', 'inner_wl', 'norm_w2', 'norm_l2', 'cos_wl', 'fo_dlogp_w', 'obs_dlogp_w', 'agree_rate']) {
            expect(Number.isFinite(h[`marginlab/${k}`]), k).toBe(true);
          }
        }
        // The trainer's own running means still land in its own rows (the callback does not empty them).
        expect(r.log_history.filter((h) => 'rewards/margins' in h && !('marginlab/dW' in h)).length).toBeGreaterThanOrEqual(c.steps);
      });

      if (c.plain) {
        it("leaves the trainer's own run as it was: its log rows equal those of the same run without the callback", () => {
          const r = ran.get(c.id)!;
          const own = r.log_history.filter((h) => !Object.keys(h).some((k) => k.startsWith('marginlab/')));
          expect(own).toHaveLength(r.plain_history!.length);
          own.forEach((h, i) => {
            const plain = r.plain_history![i];
            // Wall-clock figures differ from run to run; everything the training computed must not.
            const computed = (x: Record<string, number>) => Object.fromEntries(Object.entries(x).filter(([k]) => !/runtime|per_second/.test(k)));
            expect(computed(h), `row ${i}`).toEqual(computed(plain));
          });
          expect(own.filter((h) => 'num_tokens' in h).length).toBeGreaterThan(0);
        });
      }

      it('`marginlab ingest --trl-config` accepts its events and `marginlab report` draws from the run', () => {
        const r = ran.get(c.id)!;
        const out = join(dir, `${c.id}-run`);
        const g = spawnSync(process.execPath, [CLI, 'ingest', r.events, '--trl-config', r.config, '--out', out, '--json'], { encoding: 'utf8' });
        expect(g.status, g.stderr).toBe(0);
        const s = JSON.parse(g.stdout);
        expect(s.loggedSteps).toBe(stepsOf(r).length);
        expect(s.marginlabAgreement).not.toBeNull();
        const rep = spawnSync(process.execPath, [CLI, 'report', out, '--no-png', '--json'], { encoding: 'utf8' });
        expect(rep.status, rep.stderr).toBe(0);
        const figures = JSON.parse(rep.stdout).figures as { svg: string }[];
        expect(figures.length).toBeGreaterThan(0);
        for (const f of figures) expect(readFileSync(f.svg, 'utf8')).toMatch(/^<svg/);
      });
    });
  }

  it('with LoRA the trained parameters are the adapters only', () => {
    for (const id of ['dpo-ipo-lora', 'kto-lora']) {
      const t = ran.get(id)!.trained;
      expect(t.length).toBeGreaterThan(0);
      for (const n of t) expect(n).toMatch(/lora_/);
    }
  });

  it.each(['kto', 'kto-lora'])("KTO (%s): each pair's z_ref is the batch's KL estimate, the kl the trainer itself logs for that step", (id) => {
    const r = ran.get(id)!;
    let positive = 0;
    for (const s of stepsOf(r)) {
      const row = r.log_history.find((h) => h.step === s.step + 1 && 'kl' in h)!;
      for (const p of s.pairs as Pair[]) {
        expect(Math.abs(p.z_ref - row.kl), `step ${s.step}: callback z_ref ${p.z_ref}, trainer kl ${row.kl}`).toBeLessThan(1e-12 + 1e-9 * row.kl);
        if (p.z_ref > 0) positive++;
      }
    }
    expect(positive).toBeGreaterThan(0); // clamped at 0 while the policy is its reference; positive once it moved
  });

  it('KTO: apo_zero_unpaired has no KL estimate, so z_ref is 0 throughout', () => {
    for (const s of stepsOf(ran.get('kto-apo')!)) for (const p of s.pairs as Pair[]) expect(p.z_ref).toBe(0);
  });

  it.each(['kto', 'kto-lora', 'kto-apo'])('KTO (%s): a measured pair is a desirable and an undesirable row of one prompt, found wherever they sit', (id) => {
    const r = ran.get(id)!;
    const found = r.direct.flat() as unknown as { prompt_w: number[]; prompt_l: number[]; labels: boolean[] }[];
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      expect(d.labels).toEqual([true, false]);
      expect(d.prompt_w.length).toBeGreaterThan(0);
      expect(d.prompt_w).toEqual(d.prompt_l);
    }
  });

  it('KTO without a pair in a batch (rows unpaired a block at a time) measures nothing and counts the steps', () => {
    const r = ran.get(UNPAIRED.id)!;
    expect(r.unpaired_steps).toBe(UNPAIRED.steps);
    expect(stepsOf(r)).toHaveLength(0);
    expect(r.log_history.filter((h) => 'marginlab/dW' in h)).toHaveLength(0);
  });

  it("DPO's and KTO's losses are means of per-pair terms (in-batch weights equal per-pair ones); CPO's NLL pools the batch's tokens", () => {
    for (const p of ['dpo-sigmoid', 'kto'].flatMap((id) => stepsOf(ran.get(id)!)).flatMap((s) => s.pairs as Pair[])) {
      expect(rel(p.dW_batch, p.dW)).toBeLessThan(1e-9);
      expect(rel(p.dL_batch, p.dL)).toBeLessThan(1e-9);
    }
    // CPO: d_w = (per-pair terms) + cpo_alpha/len_w alone, + n·cpo_alpha/Σlen_w in the batch; d_l has no NLL part.
    for (const s of stepsOf(ran.get('cpo-sigmoid')!)) {
      const ps = s.pairs as Pair[];
      const total = ps.reduce((a, p) => a + p.len_w, 0);
      for (const p of ps) {
        expect(Math.abs(p.dW_batch - p.dW - (ps.length / total - 1 / p.len_w))).toBeLessThan(1e-9);
        expect(rel(p.dL_batch, p.dL)).toBeLessThan(1e-9);
      }
    }
  });

  it('refuses a multi-process run before anything runs (the loss code gathers across processes; the callback measures on one)', () => {
    const r = spawnSync(HF_PYTHON, ['-c', `import sys, types; sys.path.insert(0, "python/marginlab_trl")
from marginlab_trl import MarginlabCallback, MarginlabTRLError
class DPOTrainer: args = types.SimpleNamespace(world_size=2)
try:
    MarginlabCallback().bind(DPOTrainer())
except MarginlabTRLError as e:
    print(e.code, "|", e)`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/E_UNSUPPORTED at TrainingArguments\.world_size: a run over 2 processes/);
  });

  it.each([
    ['ORPOTrainer', /E_UNSUPPORTED at MarginlabCallback\.bind\(trainer\): ORPO's NLL is a mean over the prompt's tokens too/],
    ['BCOTrainer', /E_UNSUPPORTED at MarginlabCallback\.bind\(trainer\): BCO's reward shift δ is a running mean/],
    ['SFTTrainer', /E_UNSUPPORTED at MarginlabCallback\.bind\(trainer\): Mine is not a DPOTrainer, CPOTrainer or KTOTrainer/],
  ])('refuses a subclass of %s with its reason, before anything runs', (name, message) => {
    const r = spawnSync(HF_PYTHON, ['-c', `import sys, types; sys.path.insert(0, "python/marginlab_trl")
from marginlab_trl import MarginlabCallback, MarginlabTRLError
class ${name}: pass
class Mine(${name}): args = types.SimpleNamespace()
try:
    MarginlabCallback().bind(Mine())
except MarginlabTRLError as e:
    print(e.code, "|", e)`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(message);
  });

  it.each([
    ['every=0', 'MarginlabCallback(every=0)', /E_USAGE at MarginlabCallback\(every=\.\.\.\): every must be a positive integer, not 0/],
    ['pairs=1.5', 'MarginlabCallback(pairs=1.5)', /E_USAGE at MarginlabCallback\(pairs=\.\.\.\)/],
  ])('bad options are coded errors: %s', (_w, call, message) => {
    const r = spawnSync(HF_PYTHON, ['-c', `import sys; sys.path.insert(0, "python/marginlab_trl")
from marginlab_trl import MarginlabCallback, MarginlabTRLError
try:
    ${call}
except MarginlabTRLError as e:
    print(e.code, "|", e)`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(message);
  });
});

describe('scripts/gpu-trl-callback.sh --dry-run (the GPU script on the CPU, toy sizes)', () => {
  it('runs both rows (GPT-2, Llama with LoRA) with and without the callback and writes the GPU file format', () => {
    const out = join(dir, 'gpu-dry.json');
    const r = spawnSync('bash', ['scripts/gpu-trl-callback.sh', '--dry-run', '--out', out], { encoding: 'utf8', env: { ...process.env, PYTHON: HF_PYTHON }, timeout: 600_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.schema).toBe('marginlab/bench-trl-callback@1');
    expect(doc.machine.description).toMatch(/^dry run on the CPU/);
    expect(doc.rows.map((x: { name: string }) => x.name)).toEqual(['gpt2-toy', 'llama-toy-lora']);
    for (const x of doc.rows) {
      expect(x.plain_step_s).toBeGreaterThan(0);
      expect(x.callback_step_s).toBeGreaterThan(0);
      expect(x.target).toBe(1.25);
    }
    expect(doc.rows[1].trained_params).toBeLessThan(doc.rows[1].params); // LoRA: adapters only
  }, 600_000);

  it('an unknown argument is a coded usage error, exit 2', () => {
    const r = spawnSync('bash', ['scripts/gpu-trl-callback.sh', '--gpu'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^E_USAGE: unknown argument '--gpu'/);
  });
});
