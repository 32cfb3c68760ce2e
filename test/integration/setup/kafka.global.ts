/**
 * Global setup for the integration suite: starts a real kafka server (scripts/infra/kafka.sh) before the
 * suite and stops it afterwards. Filled in by the kafka integration work.
 */
export default function setup(): void {}
