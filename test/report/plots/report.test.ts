// `marginlab report` over a small real run: every figure is valid SVG (parsed as XML) that draws the run's
// series — one line per series with one vertex per logged step, labelled with the run and starting at the
// logged value — the heatmap has a cell per token pair, PNGs are PNGs, and bad directories exit 2.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { catalogueSpec, tmp, train } from '../../trainer/helpers.js';
import { requireTorch } from '../../trainer/torch.js';

interface Mark { label: string; d: string; role: string }

function marks(svgText: string): Mark[] {
  expect(XMLValidator.validate(svgText)).toBe(true);
  const tree = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svgText) as unknown;
  const found: Mark[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) { n.forEach(walk); return; }
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o['aria-roledescription'] === 'string' && typeof o['aria-label'] === 'string') {
      found.push({ label: o['aria-label'] as string, d: String(o.d ?? ''), role: o['aria-roledescription'] as string });
    }
    Object.values(o).forEach(walk);
  };
  walk(tree);
  return found;
}

const vertices = (d: string) => (d.match(/[ML]/g) ?? []).length;
const firstValue = (label: string, field: string) => Number(new RegExp(`${field}: ([−\\-0-9.e]+)`).exec(label)![1].replace('−', '-'));

let runDir = '';
let rows: { step: number; logp_w: number; logp_l: number; cos_wl: number }[] = [];

beforeAll(async () => {
  requireTorch();
  const r = await train(catalogueSpec('dpo'), { task: { kind: 'long' }, steps: 6, tokenCosine: true });
  expect(r.error).toBeNull();
  runDir = r.metricsPath.replace(/\/metrics\.jsonl$/, '');
  rows = readFileSync(r.metricsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
});

describe('marginlab report', () => {
  it('draws the run\'s series as valid SVG (and PNG), with the agreement rate', async () => {
    const out = tmp('report');
    const r = await runCli(['report', runDir, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dpo on long: predicted vs observed signs agree on \d+\.\d% of pairs/);

    const logp = marks(readFileSync(join(out, 'logp.svg'), 'utf8')).filter((m) => m.role === 'line mark');
    expect(logp).toHaveLength(2);
    const chosen = logp.find((m) => m.label.includes('chosen log π_w'))!;
    const rejected = logp.find((m) => m.label.includes('rejected log π_l'))!;
    for (const [m, want] of [[chosen, rows[0].logp_w], [rejected, rows[0].logp_l]] as const) {
      expect(vertices(m.d)).toBe(rows.length);
      expect(firstValue(m.label, 'log-probability')).toBeCloseTo(want, 6);
    }

    const cos = marks(readFileSync(join(out, 'cosine.svg'), 'utf8')).filter((m) => m.role === 'line mark');
    expect(cos).toHaveLength(1);
    expect(vertices(cos[0].d)).toBe(rows.length);
    expect(firstValue(cos[0].label, 'cos\\(∇log π_w, ∇log π_l\\)')).toBeCloseTo(rows[0].cos_wl, 6);

    const agree = readFileSync(join(out, 'agreement.svg'), 'utf8');
    expect(marks(agree).filter((m) => m.role === 'line mark')).toHaveLength(2); // trainer's and marginlab's
    expect(agree).toMatch(/overall agreement — dpo on long: \d+\.\d%/);

    const cells = marks(readFileSync(join(out, 'token-cosine.svg'), 'utf8')).filter((m) => m.role === 'rect mark');
    expect(cells).toHaveLength(2 * 10 * 10); // before and after, 10 × 10 response tokens
    expect(cells.some((c) => /chosen token: 4 (positive|negative)/.test(c.label) || /w: 4 (positive|negative)/.test(c.label))).toBe(true);

    for (const f of ['logp', 'cosine', 'agreement', 'token-cosine']) {
      expect([...readFileSync(join(out, `${f}.png`)).subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    }
  });

  it('overlays several runs in the cosine figure (Figure 4a)', async () => {
    const out = tmp('report-overlay');
    const second = join(tmp('second'), 'run-b');
    cpSync(runDir, second, { recursive: true });
    const r = await runCli(['report', runDir, second, '--out', out, '--no-png']);
    expect(r.code).toBe(0);
    const lines = marks(readFileSync(join(out, 'cosine.svg'), 'utf8')).filter((m) => m.role === 'line mark');
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.label.includes('[run-b]'))).toBe(true);
  });

  it.each([
    ['a missing directory', () => '/nonexistent/run', /^E_RUN_DIR \/nonexistent\/run: \/nonexistent\/run is not a directory/],
    ['a directory without metrics.jsonl', () => tmp('empty'), /^E_RUN_DIR .*: .* has no metrics\.jsonl/],
    ['a metrics.jsonl with garbage', () => { const d = tmp('garbage'); writeFileSync(join(d, 'metrics.jsonl'), '{"step":0}\nnot json\n'); return d; }, /^E_RUN_METRICS .*: .*line 2 is not JSON/],
    ['a metrics.jsonl that is a FIFO (it would hang a plain read)', () => { const d = tmp('fifo'); execFileSync('mkfifo', [join(d, 'metrics.jsonl')]); return d; }, /^E_RUN_METRICS .*: the run file '.*metrics\.jsonl' is a FIFO/],
    ['a metrics.jsonl without steps', () => { const d = tmp('norows'); mkdirSync(d, { recursive: true }); writeFileSync(join(d, 'metrics.jsonl'), ''); return d; }, /^E_RUN_METRICS .*: .*has no rows/],
  ])('exits 2 on %s', async (_what, dir, msg) => {
    const r = await runCli(['report', dir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});
