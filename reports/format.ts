/**
 * Text helpers for the HTML report: escaping for element content, attributes and inline JSON. Numbers are spelled
 * by results/number-format.ts, the one formatter the report shares with the terminal summary.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON for a <script type="application/json"> block. Escaping `<` (and the two JS line separators, for
 * anyone who pastes the block into code) keeps `</script>` or `<!--` inside a payload from ending the block;
 * JSON.parse turns the escapes back into the original characters.
 */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
