/** Read a metric from Prometheus text exposition (what /metrics serves). */

/** The value of a counter or gauge, summed over its label sets; 0 when absent. */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}
