/** What docker-compose.yml exposes (issue 14, finding 8); the roles themselves are run by the integration suite. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPO_ROOT } from './support/spawn-cli.js';

const composeSchema = z.object({
  services: z.record(
    z.string(),
    z.object({
      ports: z.array(z.string()).optional(),
      environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      healthcheck: z.object({ test: z.array(z.string()) }).optional(),
    }),
  ),
});

const services = () =>
  composeSchema.parse(parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }))
    .services;

describe('docker-compose.yml exposure (issue 14, finding 8)', () => {
  it('finding 8: every published port binds BIND_ADDRESS, 127.0.0.1 unless set', () => {
    const published = Object.entries(services()).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => ({ name, p })),
    );
    expect(published.map((x) => x.name)).toEqual(
      expect.arrayContaining(['memgraph-mage', 'kafka', 'playground']),
    );
    for (const { name, p } of published)
      expect(p, name).toMatch(/^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$/);
  });

  it('finding 8: Memgraph runs with the credentials from .env, and its health check uses them', () => {
    const memgraph = services()['memgraph-mage'];
    expect(String(memgraph?.environment?.MEMGRAPH_USER)).toMatch(/^\$\{GRAPH_USER:\?/);
    expect(String(memgraph?.environment?.MEMGRAPH_PASSWORD)).toMatch(/^\$\{GRAPH_PASSWORD:\?/);
    const check = memgraph?.healthcheck?.test.join(' ') ?? '';
    expect(check).toContain('--username');
    expect(check).toContain('--password');
  });
});
