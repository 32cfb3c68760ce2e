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
