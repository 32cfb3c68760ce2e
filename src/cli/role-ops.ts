/**
 * Every long-running role serves the ops endpoints. Several roles on one machine (outside containers) would
 * all want OPS_PORT: the first gets it, the others log where to set another port and go on without.
 */
import type { MonitorSettings } from '../graph/graph-store.port.js';
import type { EventBus } from '../ingest/bus/event-bus.port.js';
import type { OpsServer, ReadinessCheck } from '../observability/ops-server.js';
import { startOpsServer } from '../observability/ops-server.js';
import type { CliContext } from './cli-context.js';

export interface RoleDependencies {
  graph?: MonitorSettings;
  bus?: EventBus;
}

export function readinessChecks(context: CliContext, deps: RoleDependencies): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [];
  const { graph, bus } = deps;
  // Cheap reads that still need a live connection: the monitored set is a handful of rows.
  if (graph !== undefined) checks.push({ name: 'graph', check: () => graph.monitoredChannels() });
  if (bus !== undefined)
    checks.push({ name: 'bus', check: () => bus.endOffsets(context.config.kafka.topic) });
  return checks;
}

export async function startRoleOps(
  context: CliContext,
  role: string,
  deps: RoleDependencies,
): Promise<OpsServer | undefined> {
  const { config, logger } = context;
  try {
    return await startOpsServer({
      host: config.http.host,
      port: config.ops.port,
      allowedHosts: config.http.allowedHosts,
      role,
      logger,
      checks: readinessChecks(context, deps),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.warn(
      { port: config.ops.port },
      `ops endpoints not served: port ${config.ops.port} is in use (another role?); set OPS_PORT for this one`,
    );
    return undefined;
  }
}
