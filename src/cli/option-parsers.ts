/** Parsers for numeric command-line options; commander reports their errors with the option name. */
import { InvalidArgumentError } from 'commander';

export function wholeNumberOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got "${value}"`,
      );
    }
    return n;
  };
}

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/** `250ms`, `1s`, `1.5s`, `2m` → milliseconds (a unit is required: `--interval 1` would be ambiguous). */
export function durationOption(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(value);
  if (match === null) {
    throw new InvalidArgumentError(`expected a duration such as 250ms, 1s or 2m, got "${value}"`);
  }
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
  if (ms <= 0) throw new InvalidArgumentError(`expected a duration above zero, got "${value}"`);
  return ms;
}

/** A positive number, decimals allowed (e.g. `--rate 0.5` for one event every two seconds). */
export function positiveNumberOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a number above zero, got "${value}"`);
  return n;
}
