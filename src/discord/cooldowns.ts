/** Per-user cooldown between commands: one person cannot keep the bot (and the graph) busy for everyone. */
export class Cooldowns {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when `userId` may run a command now (and starts their cooldown), else milliseconds left. */
  take(userId: string): number {
    if (this.cooldownMs <= 0) return 0;
    const now = this.now();
    const previous = this.last.get(userId);
    if (previous !== undefined && now - previous < this.cooldownMs) return this.cooldownMs - (now - previous);
    if (this.last.size >= 10_000) {
      for (const [id, at] of this.last) if (now - at >= this.cooldownMs) this.last.delete(id);
    }
    this.last.set(userId, now);
    return 0;
  }
}
