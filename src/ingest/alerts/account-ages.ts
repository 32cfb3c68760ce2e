/**
 * Account creation times from Helix for the bot-wave rule: `GET /users?id=…`, 100 ids per call (Helix's
 * limit), through the same `HelixClient` as `collect` (app token, its rate-limit buckets and retries).
 * Answers are cached (an account's creation time never changes), the oldest dropped first past `maxCached`,
 * so a wave of the same bots in several channels costs one lookup each.
 */
import type { HelixClient } from '../collect/helix-client.js';
import { usersResponse } from '../collect/helix-responses.schema.js';
import type { AccountAges } from './alert-detector.js';

const PER_CALL = 100;

export class HelixAccountAges implements AccountAges {
  /** user id → created_at (ISO 8601), or null when Helix did not know the id (deleted, suspended). */
  private readonly cache = new Map<string, string | null>();
  /** Helix calls made (tests, benchmarks). */
  calls = 0;

  constructor(
    private readonly client: HelixClient,
    private readonly maxCached = 100_000,
  ) {}

  async createdAt(accounts: readonly { login: string; id: string | null }[]): Promise<Map<string, string>> {
    const missing = [
      ...new Set(accounts.flatMap((a) => (a.id !== null && !this.cache.has(a.id) ? [a.id] : []))),
    ];
    for (let i = 0; i < missing.length; i += PER_CALL) {
      const batch = missing.slice(i, i + PER_CALL);
      this.calls += 1;
      const page = await this.client.get('/users', { id: batch }, usersResponse);
      const found = new Map(page.data.map((u) => [u.id, u.created_at]));
      for (const id of batch) this.remember(id, found.get(id) ?? null);
    }
    const out = new Map<string, string>();
    for (const a of accounts) {
      const created = a.id === null ? undefined : this.cache.get(a.id);
      if (typeof created === 'string') out.set(a.login, created);
    }
    return out;
  }

  private remember(id: string, createdAt: string | null): void {
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(id, createdAt);
  }
}
