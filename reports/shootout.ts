import { fmtInt, fmtNumber } from '../results/number-format.js';
import type { ShootoutResult } from '../results/results.js';
import { escapeHtml as esc } from './format.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';

/** The capacity in words: "5,250 clients", with what bounded it when the search did not find a boundary. */
export function capacityText(result: ShootoutResult): string {
  const clients = `${fmtInt(result.capacity)} clients`;
  switch (result.stoppedBy) {
    case 'boundary':
      return `${clients} (${fmtInt(result.failedAt)} failed)`;
    case 'max-clients':
      return `≥ ${clients} (every size passed, up to the largest searched)`;
    case 'max-steps':
      return `≥ ${clients} (steps ran out${result.failedAt === undefined ? '' : `; ${fmtInt(result.failedAt)} failed`})`;
    case 'below-resolution':
      return `0 clients (${fmtInt(result.failedAt)} failed, the smallest size searched)`;
  }
}

/** One step as "2,000 ✓ 180 ms" or "8,000 ✗ 640 ms, 12 missed". */
export function stepText(step: ShootoutResult['steps'][number]): string {
  const p95 = step.p95Us === null ? 'nothing delivered' : `${fmtNumber(step.p95Us / 1000, 0)} ms`;
  const missed = step.missed > 0 ? `, ${fmtInt(step.missed)} missed` : '';
  const invalid = step.valid ? '' : ', invalid run';
  return `${fmtInt(step.clients)} ${step.passed ? '✓' : '✗'} ${p95}${missed}${invalid}`;
}

/** The shootout capacities for the terminal summary: one line per strategy, its steps in the order run. */
export function shootoutLines(shootout: readonly ShootoutResult[]): string[] {
  if (shootout.length === 0) return [];
  const limitMs = fmtNumber(shootout[0].limitP95Us / 1000, 0);
  const width = Math.max(...shootout.map((r) => r.strategy.title.length));
  const lines = [`shootout capacity (hashrocket’s websocket-shootout: most clients reached by 1 broadcast/s with p95 ≤ ${limitMs} ms):`, ''];
  for (const result of shootout) {
    lines.push(`${result.strategy.title.padEnd(width)}  ${capacityText(result)}`);
    lines.push(`${''.padEnd(width)}  steps: ${result.steps.map(stepText).join(' · ')}`);
  }
  return [...lines, ''];
}

/** The report's section: the capacity per strategy and every step of its search. */
export function shootoutSection({ sets }: SectionContext): ExtraSections {
  const results = sets.flatMap((set) => (set.results.shootout ?? []).map((result) => ({ result, label: set.label })));
  if (results.length === 0) return NO_SECTION;
  const rows = results.map(
    ({ result, label }) =>
      `<tr><td>${esc(result.strategy.title)}${label === null ? '' : ` · ${esc(label)}`}</td><td class="num">${esc(capacityText(result))}</td>` +
      `<td>${result.steps.map((step) => esc(stepText(step))).join('<br>')}</td></tr>`,
  );
  const limitMs = fmtNumber(results[0].result.limitP95Us / 1000, 0);
  const table = `<div class="table-wrap"><table><thead><tr><th>Strategy</th><th class="num">Capacity</th>
<th>Steps of the search (clients, passed, p95)</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
  return {
    html: section(
      'shootout',
      'Shootout capacity',
      `hashrocket’s websocket-shootout measure: the most clients a server holds while one broadcast a second reaches them with the 95th ` +
        `percentile of delivery latency at most ${limitMs} ms and nothing missed. Each step is a full run at one size; the sizes double from ` +
        `the first until one fails, then are bisected to the resolution. The number to compare with other servers is the capacity column.`,
      table,
    ),
    charts: [],
  };
}
