/**
 * Global setup for the integration suite: starts a real neo4j server (scripts/infra/neo4j.sh) before the
 * suite and stops it afterwards. Filled in by the neo4j integration work.
 */
export default function setup(): void {}
