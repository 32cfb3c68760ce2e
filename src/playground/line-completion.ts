/**
 * Suggestions while a slash command is typed as text in the playground: command names, subcommands, then
 * the value of the option under the cursor (the end of the line), as Discord's client offers them. Values
 * come from the same name suggester the bot's autocomplete uses, so both front ends suggest alike.
 */
import type { CommandDefinition, OptionDefinition } from '../commands/command.js';
import type { NameKind } from '../graph/graph-store.port.js';
import { usageLines } from '../commands/usage.js';

export interface CompletionItem {
  /** What the list shows. */
  label: string;
  /** What replaces the line from `from` on. */
  insert: string;
  detail?: string;
}

export interface Completion {
  /** Index in the line where the text being completed starts. */
  from: number;
  items: CompletionItem[];
  /** Usage of the command being typed, e.g. `/streamer <name>`. */
  usage?: string;
}

type Suggest = (kind: NameKind, typed: string) => Promise<string[]>;

interface Token {
  text: string;
  start: number;
}

/** Whitespace-separated tokens with quotes kept together; an unclosed quote runs to the end. */
function tokens(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i += 1;
    if (i >= line.length) break;
    const start = i;
    let quote: string | null = null;
    while (i < line.length && (quote !== null || !/\s/.test(line[i] as string))) {
      const ch = line[i] as string;
      if (quote === null && (ch === '"' || ch === "'")) quote = ch;
      else if (ch === quote) quote = null;
      i += 1;
    }
    out.push({ text: line.slice(start, i), start });
  }
  return out;
}

const unquote = (text: string) => text.replace(/^["']/, '').replace(/["']$/, '');

export async function completeLine(
  line: string,
  definitions: ReadonlyMap<string, CommandDefinition>,
  suggest: Suggest,
  limit = 25,
): Promise<Completion> {
  const parts = tokens(line);
  const endsWithSpace = /\s$/.test(line) || line === '';
  const head = parts[0];
  // Still typing the command name.
  if (head === undefined || (parts.length === 1 && !endsWithSpace)) {
    const typed = (head?.text ?? '').replace(/^\//, '').toLowerCase();
    const items = [...definitions.values()]
      .filter((d) => d.name.startsWith(typed))
      .slice(0, limit)
      .map((d) => ({ label: `/${d.name}`, insert: `/${d.name} `, detail: d.description }));
    return { from: head?.start ?? 0, items };
  }
  const definition = definitions.get(head.text.replace(/^\//, '').toLowerCase());
  if (definition === undefined) return { from: line.length, items: [] };
  const usageOf = (sub?: string) =>
    usageLines(definition).find((u) => sub === undefined || u.startsWith(`/${definition.name} ${sub}`));

  let rest = parts.slice(1);
  let options: readonly OptionDefinition[] = definition.options ?? [];
  let usage = usageOf();
  if (definition.subcommands !== undefined) {
    const sub = rest[0];
    if (sub === undefined || (rest.length === 1 && !endsWithSpace)) {
      const typed = (sub?.text ?? '').toLowerCase();
      const items = definition.subcommands
        .filter((s) => s.name.startsWith(typed))
        .map((s) => ({ label: s.name, insert: `${s.name} `, detail: s.description }));
      return { from: sub?.start ?? line.length, items, ...(usage === undefined ? {} : { usage }) };
    }
    const subDefinition = definition.subcommands.find((s) => s.name === sub.text.toLowerCase());
    options = subDefinition?.options ?? [];
    usage = usageOf(subDefinition?.name);
    rest = rest.slice(1);
  }
  const withUsage = (c: Omit<Completion, 'usage'>): Completion => (usage === undefined ? c : { ...c, usage });

  // The token under the cursor: the last one, or a new empty one after a space.
  const current: Token =
    endsWithSpace || rest.length === 0 ? { text: '', start: line.length } : (rest.at(-1) as Token);
  const before = endsWithSpace ? rest : rest.slice(0, -1);
  const named = /^([a-z][a-z0-9_-]*):(.*)$/s.exec(current.text);
  let option: OptionDefinition | undefined;
  let typed: string;
  let from: number;
  let last = false;
  if (named !== null && options.some((o) => o.name === named[1])) {
    option = options.find((o) => o.name === named[1]);
    typed = unquote(named[2] ?? '');
    from = current.start + (named[1] as string).length + 1;
  } else {
    const given = new Set(
      before.map((t) => /^([a-z][a-z0-9_-]*):/.exec(t.text)?.[1]).filter((n) => n !== undefined),
    );
    const free = options.filter((o) => !given.has(o.name));
    const positional = before.filter((t) => !/^[a-z][a-z0-9_-]*:/.test(t.text)).length;
    // As in command-line.ts, the last free string option takes the rest of the line, spaces included.
    const lastFree = free.at(-1);
    if (lastFree?.type === 'string' && positional >= free.length - 1 && free.length > 0) {
      option = lastFree;
      const firstOfRest = before.filter((t) => !/^[a-z][a-z0-9_-]*:/.test(t.text))[free.length - 1];
      from = firstOfRest?.start ?? current.start;
      typed = unquote(line.slice(from).trim());
      last = true;
    } else {
      option = free[positional];
      typed = unquote(current.text);
      from = current.start;
    }
  }
  if (option === undefined) return withUsage({ from: line.length, items: [] });
  const quote = (value: string) => (!last && /\s/.test(value) ? `"${value}"` : value);
  if (option.choices !== undefined) {
    const items = option.choices
      .filter((c) => c.name.toLowerCase().startsWith(typed.toLowerCase()) || c.value.startsWith(typed))
      .map((c) => ({ label: c.name, insert: `${quote(c.value)} ` }));
    return withUsage({ from, items });
  }
  if (option.autocomplete === undefined) return withUsage({ from, items: [] });
  const names = await suggest(option.autocomplete, typed);
  return withUsage({
    from,
    items: names.slice(0, limit).map((name) => ({ label: name, insert: last ? name : `${quote(name)} ` })),
  });
}
