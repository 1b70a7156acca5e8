// A training run's summary as the text `marginlab train` prints (its JSON is the summary itself).

import { heldoutText, strayText, type RunSummary } from '../trainer/summary.js';

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

// `gramAsked` is the run's --gram: where it was auto the line says which method auto chose.
export function runSummaryText(lossName: string, s: RunSummary, paths: { metricsPath: string; summaryPath: string }, gramAsked?: string): string {
  const gram = s.gram ? ` (gram: ${s.gram}${gramAsked === 'auto' ? ', by auto' : ''})` : '';
  if (s.ranked !== undefined) return rankedSummaryText(lossName, s, paths, gramAsked);
  const lines = [`${lossName} on ${s.task}: ${s.loggedSteps} logged steps, ${s.pairsMeasured} pairs measured in ${s.seconds.toFixed(1)} s${gram}`];
  if (s.first && s.last) lines.push(`logp_w ${s.first.logp_w?.toFixed(4)} → ${s.last.logp_w?.toFixed(4)}, logp_l ${s.first.logp_l?.toFixed(4)} → ${s.last.logp_l?.toFixed(4)}, cos_wl ${s.first.cos_wl?.toFixed(3)} → ${s.last.cos_wl?.toFixed(3)}`);
  lines.push(`predicted vs observed signs agree: ${pct(s.agreement)} (marginlab's conditions: ${pct(s.marginlabAgreement)})`);
  lines.push(`steps in case 1 (batch chosen up, rejected down)${s.variant === 'none' ? '' : ` with ${s.variant}`}: ${pct(s.case1Share)} first order, ${pct(s.case1ObsShare)} observed; pairs: ${pct(s.case1PairShare)}`);
  if (s.heldout) lines.push(heldoutText(s.heldout));
  if (s.ches) lines.push(`chosen fell on ${pct(s.ches.chosenDownShare)} of single-pair steps; condition (9) called ${pct(s.ches.conditionAccuracy)} of them, CHES ranks them with AUC ${s.ches.auc === null ? 'n/a' : s.ches.auc.toFixed(2)} (Spearman ${s.ches.spearman === null ? 'n/a' : s.ches.spearman.toFixed(2)})`);
  const stray = strayText(s.strayLines);
  if (stray) lines.push(`note: ${stray}`);
  lines.push(`wrote ${paths.metricsPath} and ${paths.summaryPath}`);
  return lines.join('\n');
}

/** A loss over K ranked responses: per response, how often the predicted sign of Δlogp_k = η(G·d)_k matched the change. */
function rankedSummaryText(lossName: string, s: RunSummary, paths: { metricsPath: string; summaryPath: string }, gramAsked?: string): string {
  const r = s.ranked;
  const lines = [`${lossName} on ${s.task}: ${s.loggedSteps} logged steps, ${r?.promptsMeasured ?? 0} prompts of ${r?.responses ?? '?'} ranked responses measured in ${s.seconds.toFixed(1)} s (gram: vmap${gramAsked === 'auto' ? ', by auto' : ''})`];
  if (r) {
    r.agreement.forEach((a, k) => lines.push(`response ${k + 1}: predicted vs observed sign of Δlogp_${k + 1} agree ${pct(a)} (marginlab's d and G: ${pct(r.marginlabAgreement[k])})`));
    lines.push(`every response right at once: ${pct(r.allAgree)} of prompts`);
    if (r.weightCheck) lines.push(`first logged step: the trainer's d_k match marginlab's on ${r.weightCheck.prompts} prompts (max relative error ${r.weightCheck.maxRelErr.toExponential(1)})`);
  }
  const stray = strayText(s.strayLines);
  if (stray) lines.push(`note: ${stray}`);
  lines.push(`wrote ${paths.metricsPath} and ${paths.summaryPath}`);
  return lines.join('\n');
}
