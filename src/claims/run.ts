// Run a list of claims and collect their verdicts (a failing check is itself reported, never hidden).
import type { Claim, CheckContext, ClaimResult } from './types.js';

export async function runClaims(claims: readonly Claim[], ctx: CheckContext, onProgress?: (done: number, total: number, id: string) => void): Promise<ClaimResult[]> {
  const out: ClaimResult[] = [];
  for (const [i, c] of claims.entries()) {
    const t = performance.now();
    const verdict = await c.check(ctx);
    out.push({ id: c.id, where: c.where, statement: c.statement, method: c.method, how: c.how, verdict: { ...verdict, seconds: (performance.now() - t) / 1000 } });
    onProgress?.(i + 1, claims.length, c.id);
  }
  return out;
}
