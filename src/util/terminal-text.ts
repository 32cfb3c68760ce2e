/**
 * Text from outside (chat logins, CSV fields, descriptions, command arguments) made safe to print. A
 * terminal obeys the control characters in what it prints — ESC[2J clears the screen, OSC sets the window
 * title or hides a link target — so every C0 control but tab and line feed, DEL and every C1 control is
 * shown as a visible stand-in instead: C0 as its Unicode control picture (ESC → ␛), DEL as ␡, C1 as `\x9B`.
 */

// The whole point is matching control characters.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f]/g;

function standIn(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `\\x${code.toString(16).toUpperCase()}`;
}

/** `text` with its control characters visible; tab and line feed stay as they are. */
export function visibleControls(text: string): string {
  return text.replace(CONTROLS, standIn);
}

/** For one line of output (a log message, a rejection reason): line breaks made visible too. */
export function visibleOneLine(text: string): string {
  return text.replace(CONTROLS_AND_BREAKS, standIn);
}

/**
 * Only the C1 controls made visible: for text that carries its own deliberate C0 escapes (colours), where
 * a C1 control can only have come from the data.
 */
export function visibleC1Controls(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, standIn);
}

/** `text` without its control characters (tab and line feed kept): for Discord, which shows them as nothing. */
export function withoutControls(text: string): string {
  return text.replace(CONTROLS, '');
}

/** At most `max` characters, with a note of how many were left out. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
