/**
 * Colours for pictures shown in Discord. The dark palette sits on Discord's dark message background and
 * the light one on white; node colours are close to the Okabe–Ito set so the kinds stay apart for
 * colour-blind readers, with Twitch purple for streams.
 */
import type { RelationshipType } from '../domain/graph-records.js';
import type { NodeCategory } from '../reply/picture.js';

export const THEMES = ['dark', 'light'] as const;
export type ThemeName = (typeof THEMES)[number];

export type { NodeCategory };

/** Legend order. */
export const NODE_CATEGORIES: readonly NodeCategory[] = ['Stream', 'User', 'Game', 'Language', 'Team', 'Bot'];

export const NODE_CATEGORY_NAMES: Record<NodeCategory, string> = {
  Stream: 'streamer',
  User: 'user',
  Game: 'game',
  Language: 'language',
  Team: 'team',
  Bot: 'bot',
};

/** Relationships drawn in a colour of their own; the rest use `link`. */
export const ROLE_LINKS = ['VIP', 'MODERATOR'] as const satisfies readonly RelationshipType[];
export type RoleLink = (typeof ROLE_LINKS)[number];
export const ROLE_LINK_NAMES: Record<RoleLink, string> = { VIP: 'VIP', MODERATOR: 'moderator' };

export interface Theme {
  name: ThemeName;
  background: string;
  /** Table stripes, bar tracks. */
  panel: string;
  text: string;
  muted: string;
  link: string;
  node: Record<NodeCategory, string>;
  roleLink: Record<RoleLink, string>;
  /** Bars when the caller names no kind. */
  accent: string;
}

// #313338 is the Discord dark theme's chat background; images are shown on it, so edges blend in nicely.
const dark: Theme = {
  name: 'dark',
  background: '#313338',
  panel: '#3a3c42',
  text: '#f2f3f5',
  muted: '#b5bac1',
  link: '#6d717a',
  node: {
    Stream: '#a970ff',
    User: '#56b4e9',
    Game: '#e69f00',
    Language: '#2ebd7f',
    Team: '#e57ac0',
    Bot: '#f25c54',
  },
  roleLink: { VIP: '#f0e442', MODERATOR: '#3ee0d0' },
  accent: '#a970ff',
};

const light: Theme = {
  name: 'light',
  background: '#ffffff',
  panel: '#f0f1f3',
  text: '#060607',
  muted: '#4e5058',
  link: '#b4b8bf',
  node: {
    Stream: '#772ce8',
    User: '#0072b2',
    Game: '#d55e00',
    Language: '#009e73',
    Team: '#cc4f9a',
    Bot: '#d11f1f',
  },
  roleLink: { VIP: '#b58900', MODERATOR: '#0f9e8e' },
  accent: '#772ce8',
};

export function theme(name: ThemeName = 'dark'): Theme {
  return name === 'light' ? light : dark;
}

/** `#rrggbb` → [r, g, b], for tests and for alpha variants. */
export function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = rgb(hex);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
