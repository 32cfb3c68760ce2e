/**
 * Who may run restricted commands (`restricted` on a command or subcommand definition): members with
 * Manage Server (Administrator implies it), or members holding the configured role, given by id or name.
 *
 * An interaction carries the member's permissions and role ids; a role given by name is looked up in the
 * cached guild, or read once a minute from `GET /guilds/{guild}/roles` when the guild is not cached.
 */
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import type { PipelineInteraction } from './interaction.js';

const SNOWFLAKE = /^\d{17,20}$/;

export interface PermissionGateOptions {
  /** `DISCORD_ADMIN_ROLE`: a role id or a role name (compared case-insensitively). */
  adminRole?: string;
  /** How long role names read over REST are kept (default 60 s). */
  roleCacheMs?: number;
  now?: () => number;
}

export type PermissionVerdict = { allowed: true } | { allowed: false; reason: string };

export class PermissionGate {
  private readonly roleNames = new Map<string, { ids: Set<string>; at: number }>();
  private readonly now: () => number;

  constructor(private readonly options: PermissionGateOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** "members with Manage Server or the Moderators role", for refusals and docs. */
  who(): string {
    const role = this.options.adminRole;
    if (role === undefined) return 'members with the Manage Server permission';
    return SNOWFLAKE.test(role)
      ? `members with Manage Server or the <@&${role}> role`
      : `members with Manage Server or the “${role}” role`;
  }

  async check(interaction: PipelineInteraction): Promise<PermissionVerdict> {
    const { guildId, member } = interaction;
    if (guildId === null || member === null)
      return { allowed: false, reason: 'This command works only in a server.' };
    // `has` counts Administrator as every permission (PermissionsBitField#has, checkAdmin = true).
    if (new PermissionsBitField(member.permissions).has(PermissionFlagsBits.ManageGuild))
      return { allowed: true };
    const role = this.options.adminRole;
    if (role !== undefined) {
      const wanted = SNOWFLAKE.test(role)
        ? new Set([role])
        : await this.roleIdsNamed(interaction, guildId, role);
      if (member.roles.some((id) => wanted.has(id))) return { allowed: true };
    }
    return { allowed: false, reason: `Only ${this.who()} can use this.` };
  }

  private async roleIdsNamed(
    interaction: PipelineInteraction,
    guildId: string,
    name: string,
  ): Promise<Set<string>> {
    const wanted = name.toLowerCase();
    const cached = this.roleNames.get(guildId);
    if (cached !== undefined && this.now() - cached.at < (this.options.roleCacheMs ?? 60_000))
      return cached.ids;
    const { roles, fetched } = await interaction.guildRoles();
    const ids = new Set(roles.filter((r) => r.name.toLowerCase() === wanted).map((r) => r.id));
    // Only roles read over REST are kept: a cached guild is already up to date through the gateway.
    if (fetched) this.roleNames.set(guildId, { ids, at: this.now() });
    return ids;
  }
}
