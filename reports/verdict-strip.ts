import { CLAIMS, type ClaimId } from './claims.js';
import { escapeHtml as esc } from './format.js';
import { judgeClaims, VERDICT_WORDS } from './judgements.js';
import { keyFindings } from './key-findings.js';
import type { RunSet } from './model.js';

/**
 * The top of the report: the ratios that answer the article in this run, then each claim's verdict, every item
 * a link to the section that shows it. Read in ten seconds; everything below is the evidence.
 */
export function verdictStrip(sets: readonly RunSet[]): string {
  const blocks = sets.map((set) => {
    const findings = keyFindings(set.results);
    // Too few valid strategies is the bench's plan cut short when it was interrupted, not a failure of the runs.
    const tooFew = set.results.interrupted
      ? 'The bench was interrupted before two of pushbench’s strategies had run validly'
      : 'Fewer than two of pushbench’s strategies ran validly in these results';
    const cards =
      findings.length === 0
        ? `<p class="muted">${tooFew}: there is no ratio to show.</p>`
        : `<ol class="findings">${findings
            .map(
              (f) => `<li><a href="${f.href}"><span class="figure">${esc(f.figure)}</span><span class="sentence">${esc(f.sentence)}</span></a></li>`,
            )
            .join('')}</ol>`;
    const judged = judgeClaims(set.results);
    const chips = (Object.keys(CLAIMS) as ClaimId[])
      .map((id) => {
        const j = judged[id];
        return (
          `<li class="${j.verdict}"><a href="#${id.toLowerCase()}"><span class="claim-id">${id}</span> ${esc(CLAIMS[id].short)}: ` +
          `<b>${esc(VERDICT_WORDS[j.verdict].toLowerCase())}</b></a></li>`
        );
      })
      .join('');
    const title = set.label === null ? '' : `<h3>Run ${esc(set.label)}</h3>`;
    return `${title}${cards}<ul class="claim-chips" aria-label="The article’s claims in this run">${chips}</ul>`;
  });
  const heading = sets.length > 1 ? 'In these runs' : 'In this run';
  return `<section class="verdict-strip" id="verdict" aria-label="${heading}">
<h2>${heading}</h2>
${blocks.join('\n')}
</section>`;
}
