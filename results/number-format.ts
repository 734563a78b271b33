/**
 * The one number formatter: the terminal summary, the HTML report, the peer ratios, the scenario labels and the
 * progress lines all spell numbers through here, so they agree (en-US separators, "—" for "not defined") whatever
 * the locale of the machine. It lives beside the results because the harness's progress lines need it too, and
 * the harness must not import the renderers.
 */

export const DASH = '—';

function defined(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value);
}

/** Fixed-locale number with thousands separators and exactly `decimals` decimals. */
export function fmtNumber(value: number | null | undefined, decimals = 0): string {
  if (!defined(value)) return DASH;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function fmtInt(value: number | null | undefined): string {
  return fmtNumber(value, 0);
}

/** A setting as the user gave it: no decimals it does not have (0.5 msg/s, 20 % churn), at most `maxDecimals`. */
export function fmtSetting(value: number, maxDecimals = 2): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: maxDecimals });
}

/** Microseconds as milliseconds: two decimals below 10 ms (sub-millisecond push latencies), one above. */
export function fmtMs(us: number | null | undefined): string {
  if (!defined(us)) return DASH;
  const ms = us / 1000;
  return fmtNumber(ms, Math.abs(ms) < 10 ? 2 : 1);
}

/** A share in [0, 1] as a percentage with one decimal. */
export function fmtPercent(share: number | null | undefined): string {
  if (!defined(share)) return DASH;
  return `${fmtNumber(share * 100, 1)} %`;
}

/** Bytes per message: a decimal only where it changes the reading (a few bytes of framing). */
export function fmtBytes(bytes: number | null | undefined): string {
  if (!defined(bytes)) return DASH;
  return fmtNumber(bytes, Math.abs(bytes) < 100 ? 1 : 0);
}

export function fmtRatio(ratio: number | null | undefined): string {
  if (!defined(ratio)) return DASH;
  return `${fmtNumber(ratio, 2)}×`;
}

export function fmtMebibytes(bytes: number | null | undefined): string {
  if (!defined(bytes)) return DASH;
  return `${fmtNumber(bytes / 2 ** 20, 1)} MiB`;
}

export function fmtGibibytes(bytes: number | null | undefined): string {
  if (!defined(bytes)) return DASH;
  return `${fmtNumber(bytes / 2 ** 30, 1)} GiB`;
}

/** Milliseconds as seconds with one decimal ("64.3 s"), for wall and elapsed times. */
export function fmtSeconds(ms: number | null | undefined): string {
  if (!defined(ms)) return DASH;
  return `${fmtNumber(ms / 1000, 1)} s`;
}

/** Wall time: seconds with one decimal, minutes beyond that. */
export function fmtDuration(ms: number | null | undefined): string {
  if (!defined(ms)) return DASH;
  if (ms < 60_000) return fmtSeconds(ms);
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
