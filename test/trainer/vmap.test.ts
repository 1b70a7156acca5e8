// The per-example Gram entries and the token-level inner products computed with functorch (vmap over
// examples; one vjp + vmap over one-hot cotangents per response) equal plain autograd loops to 1e-5.
import { beforeAll, describe, expect, it } from 'vitest';
import { requireTorch, runPython } from './torch.js';

beforeAll(requireTorch);

const flat = (m: number[][]) => m.flat();

describe('batched gradients', () => {
  it('vmap equals a plain autograd loop (per example and per token) to 1e-5 relative', () => {
    const d = JSON.parse(runPython(['--selftest'], '')) as Record<string, number[][]>;
    for (const [fast, slow] of [['gram_vmap', 'gram_loop'], ['token_inner_vmap', 'token_inner_loop']]) {
      const a = flat(d[fast]), b = flat(d[slow]);
      expect(a.length).toBe(b.length);
      expect(a.length).toBeGreaterThan(10);
      const scale = Math.max(...b.map(Math.abs));
      a.forEach((x, i) => expect(Math.abs(x - b[i]) / Math.max(Math.abs(b[i]), 1e-3 * scale), `${fast}[${i}]`).toBeLessThan(1e-5));
    }
  });
});
