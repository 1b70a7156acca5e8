// The per-example Gram entries (vmap over examples), the token-level inner products (one vjp + vmap over
// one-hot cotangents per response), and the output layer's token inner products in closed form (no per-token
// gradient) equal plain autograd loops to 1e-5; CHES equals its definition summed position by position.
import { beforeAll, describe, expect, it } from 'vitest';
import { requireTorch, runPython } from './torch.js';

beforeAll(requireTorch);

const flat = (m: number[][]) => m.flat();

describe('batched gradients', () => {
  it('vmap equals a plain autograd loop (per example and per token) to 1e-5 relative', () => {
    const d = JSON.parse(runPython(['--selftest'], '')) as Record<string, number[][]>;
    for (const [fast, slow] of [['gram_vmap', 'gram_loop'], ['token_inner_vmap', 'token_inner_loop'], ['head_inner_closed', 'head_inner_loop']]) {
      const a = flat(d[fast]), b = flat(d[slow]);
      expect(a.length).toBe(b.length);
      expect(a.length).toBeGreaterThan(10);
      const scale = Math.max(...b.map(Math.abs));
      a.forEach((x, i) => expect(Math.abs(x - b[i]) / Math.max(Math.abs(b[i]), 1e-3 * scale), `${fast}[${i}]`).toBeLessThan(1e-5));
    }
    const [ches, loop] = [d.ches as unknown as number[], d.ches_loop as unknown as number[]];
    expect(ches.length).toBe(12);
    ches.forEach((x, i) => expect(Math.abs(x - loop[i]) / Math.max(1, Math.abs(loop[i])), `ches[${i}]`).toBeLessThan(1e-9));
    // In float32 on a confident model the closed form keeps cosines within rounding of explicit gradients
    // (expanding (e − p)·(e − q) instead cancels: it gave cosines above 1 on GPT-2).
    const [confidentErr, confidentMax] = d.head_confident as unknown as number[];
    expect(confidentErr).toBeLessThan(1e-5);
    expect(confidentMax).toBeLessThan(1 + 1e-6);
  });
});
