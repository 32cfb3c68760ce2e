/** Number and text formatting shared by command replies. */

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return whole.format(value);
}

/** Scores such as PageRank: enough significant digits to tell neighbours apart. */
export function formatScore(value: number): string {
  if (value === 0) return '0';
  return value.toPrecision(4);
}

export function formatDate(iso: string | null): string {
  return iso === null ? 'unknown' : iso.slice(0, 10);
}

/** "a, b, c and 4 more" within `max` items. */
/** A moment to the minute, in UTC: `2026-12-04 16:48 UTC`. */
export function formatUtcMinute(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatList(items: readonly string[], max: number): string {
  if (items.length === 0) return 'none';
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${formatCount(items.length - max)} more`;
}
