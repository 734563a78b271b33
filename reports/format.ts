/**
 * Text helpers for the report. Every number goes through here so that the tables, the captions and the tests
 * agree on one spelling (en-US separators, "—" for "not defined"), whatever the locale of the machine.
 */

export const DASH = '—';

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

/** Fixed-locale number with thousands separators, so reports render the same on every machine. */
export function fmtNumber(value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function fmtInt(value: number | null | undefined): string {
  return fmtNumber(value, 0);
}

/** Microseconds as milliseconds: two decimals below 10 ms (sub-millisecond push latencies), one above. */
export function fmtMs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return DASH;
  const ms = us / 1000;
  return fmtNumber(ms, Math.abs(ms) < 10 ? 2 : 1);
}

/** A share in [0, 1] as a percentage with one decimal. */
export function fmtPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  return `${fmtNumber(share * 100, 1)} %`;
}

/** Bytes per message: a decimal only where it changes the reading (a few bytes of framing). */
export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return DASH;
  return fmtNumber(bytes, Math.abs(bytes) < 100 ? 1 : 0);
}

export function fmtRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  return `${fmtNumber(ratio, 2)}×`;
}

export function fmtMebibytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return DASH;
  return `${fmtNumber(bytes / 2 ** 20, 1)} MiB`;
}

export function fmtGibibytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return DASH;
  return `${fmtNumber(bytes / 2 ** 30, 1)} GiB`;
}

/** Wall time: seconds with one decimal, minutes beyond that. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 60_000) return `${fmtNumber(ms / 1000, 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${fmtNumber((ms - minutes * 60_000) / 1000, 0)} s`;
}

/**
 * The bench's ISO date in UTC. Formatting in the viewer's time zone would make the same results render to
 * different files on different machines; an unparsable date is shown as written.
 */
export function fmtDate(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
