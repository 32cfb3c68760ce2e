/**
 * Pages of long answers, kept in memory for the buttons under them. A button's `custom_id` (at most 100
 * characters, Message Components → Button) carries a random session id and the page it leads to; the
 * session remembers who asked, so only they can turn the pages, and expires after a few minutes.
 */
import { randomBytes } from 'node:crypto';
import type { APIActionRowComponent, APIButtonComponent } from 'discord.js';
import { ButtonStyle, ComponentType } from 'discord.js';
import type { PagedReply } from './reply-message.js';

export const PAGE_BUTTON_PREFIX = 'tg:page:';

export interface PageSession {
  id: string;
  /** Discord user id of the person who ran the command. */
  userId: string;
  pages: PagedReply;
  expiresAt: number;
}

export interface PageSessionsOptions {
  ttlMs: number;
  /** Most sessions kept; the oldest go first (default 1,000). */
  max?: number;
  now?: () => number;
}

export class PageSessions {
  private readonly sessions = new Map<string, PageSession>();
  private readonly now: () => number;

  constructor(private readonly options: PageSessionsOptions) {
    this.now = options.now ?? Date.now;
  }

  create(userId: string, pages: PagedReply): PageSession {
    this.prune();
    // 72 random bits: not guessable, and short enough for a custom_id with room to spare.
    const id = randomBytes(9).toString('base64url');
    const session = { id, userId, pages, expiresAt: this.now() + this.options.ttlMs };
    this.sessions.set(id, session);
    return session;
  }

  /** The session, or undefined when unknown or expired. */
  get(id: string): PageSession | undefined {
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
    const max = this.options.max ?? 1_000;
    // Maps iterate in insertion order: the first keys are the oldest sessions.
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < max) break;
      this.sessions.delete(id);
    }
  }
}

export function pageButtonId(sessionId: string, target: number | 'at'): string {
  return `${PAGE_BUTTON_PREFIX}${sessionId}:${target}`;
}

/** `{ sessionId, index }` for a page button; `index` is null for the page-number label; null otherwise. */
export function parsePageButton(customId: string): { sessionId: string; index: number | null } | null {
  const match = /^tg:page:([A-Za-z0-9_-]{1,40}):(\d{1,6}|at)$/.exec(customId);
  if (match === null) return null;
  return { sessionId: match[1] as string, index: match[2] === 'at' ? null : Number(match[2]) };
}

/** Previous / "2 of 5" / Next. Each custom_id in a message must differ: the targets do (i-1 ≠ i+1). */
export function pagerRow(
  sessionId: string,
  index: number,
  count: number,
): APIActionRowComponent<APIButtonComponent> {
  const button = (id: string, label: string, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: id,
    label,
    disabled,
  });
  return {
    type: ComponentType.ActionRow,
    components: [
      button(pageButtonId(sessionId, Math.max(0, index - 1)), '◀ Previous', index <= 0),
      button(pageButtonId(sessionId, 'at'), `${index + 1} / ${count}`, true),
      button(pageButtonId(sessionId, Math.min(count - 1, index + 1)), 'Next ▶', index >= count - 1),
    ],
  };
}
