/**
 * Who may run restricted commands (`restricted` on a command or subcommand definition): members with
 * Manage Server (Administrator implies it), or members holding the configured role, given by id or name.
 *
 * An interaction carries the member's permissions and role ids; a role given by name is looked up in the
 * cached guild, or read once a minute from `GET /guilds/{guild}/roles` when the guild is not cached.
 */
import type { APIRole, ChatInputCommandInteraction } from 'discord.js';
import { GuildMember, PermissionFlagsBits, Routes } from 'discord.js';

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

  async check(interaction: ChatInputCommandInteraction): Promise<PermissionVerdict> {
    if (!interaction.inGuild()) return { allowed: false, reason: 'This command works only in a server.' };
    // `has` counts Administrator as every permission (PermissionsBitField#has, checkAdmin = true).
    if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true)
      return { allowed: true };
    const role = this.options.adminRole;
    if (role !== undefined) {
      const member = interaction.member;
      const memberRoles =
        member instanceof GuildMember ? [...member.roles.cache.keys()] : (member.roles as readonly string[]);
      const wanted = SNOWFLAKE.test(role) ? new Set([role]) : await this.roleIdsNamed(interaction, role);
      if (memberRoles.some((id) => wanted.has(id))) return { allowed: true };
    }
    return { allowed: false, reason: `Only ${this.who()} can use this.` };
  }

  private async roleIdsNamed(
    interaction: ChatInputCommandInteraction<'cached' | 'raw'>,
    name: string,
  ): Promise<Set<string>> {
    const wanted = name.toLowerCase();
    const guild = interaction.guild;
    if (guild !== null && guild.roles.cache.size > 0) {
      return new Set(guild.roles.cache.filter((r) => r.name.toLowerCase() === wanted).map((r) => r.id));
    }
    const cached = this.roleNames.get(interaction.guildId);
    if (cached !== undefined && this.now() - cached.at < (this.options.roleCacheMs ?? 60_000))
      return cached.ids;
    const roles = (await interaction.client.rest.get(Routes.guildRoles(interaction.guildId))) as APIRole[];
    const ids = new Set(roles.filter((r) => r.name.toLowerCase() === wanted).map((r) => r.id));
    this.roleNames.set(interaction.guildId, { ids, at: this.now() });
    return ids;
  }
}
