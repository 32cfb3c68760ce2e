/**
 * What Discord refuses in a message body, written from Discord's documentation independently of the
 * adapter under test (Channel → Embed limits; Message → Create Message; Message Components; Interactions
 * → Autocomplete). The local REST server answers 400 "Invalid Form Body" when any of these is broken.
 */

export interface UploadedFile {
  name: string;
  size: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function lengthProblem(where: string, value: unknown, max: number, min = 0): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return `${where}: expected a string`;
  if (value.length > max) return `${where}: ${value.length} characters, at most ${max}`;
  if (value.length < min) return `${where}: must not be empty`;
  return undefined;
}

function urlProblem(
  where: string,
  value: unknown,
  files: readonly UploadedFile[] | null,
): string | undefined {
  const url = str(value);
  if (url === undefined) return `${where}: missing`;
  if (url.startsWith('attachment://')) {
    const name = url.slice('attachment://'.length);
    if (files !== null && !files.some((f) => f.name === name)) return `${where}: no attachment named ${name}`;
    return undefined;
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${where}: not http(s)`;
  } catch {
    return `${where}: not a well formed URL`;
  }
  return undefined;
}

/** Problems with `embeds` of one message; `files` null when attachments are not known (edits). */
export function embedProblems(embeds: unknown, files: readonly UploadedFile[] | null): string[] {
  if (embeds === undefined) return [];
  if (!Array.isArray(embeds)) return ['embeds: expected an array'];
  const problems: string[] = [];
  if (embeds.length > 10) problems.push(`embeds: ${embeds.length}, at most 10`);
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    const at = `embeds[${i}]`;
    if (!isRecord(embed)) {
      problems.push(`${at}: expected an object`);
      return;
    }
    const push = (p: string | undefined) => {
      if (p !== undefined) problems.push(p);
    };
    push(lengthProblem(`${at}.title`, embed.title, 256));
    push(lengthProblem(`${at}.description`, embed.description, 4096));
    total += (str(embed.title) ?? '').length + (str(embed.description) ?? '').length;
    if (embed.url !== undefined) push(urlProblem(`${at}.url`, embed.url, files));
    if (
      embed.color !== undefined &&
      (typeof embed.color !== 'number' || embed.color < 0 || embed.color > 0xffffff)
    )
      problems.push(`${at}.color: not a colour`);
    if (embed.fields !== undefined) {
      if (!Array.isArray(embed.fields)) problems.push(`${at}.fields: expected an array`);
      else {
        if (embed.fields.length > 25) problems.push(`${at}.fields: ${embed.fields.length}, at most 25`);
        embed.fields.forEach((field: unknown, j) => {
          const f = isRecord(field) ? field : {};
          push(lengthProblem(`${at}.fields[${j}].name`, f.name ?? '', 256, 1));
          push(lengthProblem(`${at}.fields[${j}].value`, f.value ?? '', 1024, 1));
          total += (str(f.name) ?? '').length + (str(f.value) ?? '').length;
        });
      }
    }
    if (embed.footer !== undefined) {
      const footer = isRecord(embed.footer) ? embed.footer : {};
      push(lengthProblem(`${at}.footer.text`, footer.text ?? '', 2048, 1));
      total += (str(footer.text) ?? '').length;
    }
    if (embed.author !== undefined) {
      const author = isRecord(embed.author) ? embed.author : {};
      push(lengthProblem(`${at}.author.name`, author.name ?? '', 256, 1));
      total += (str(author.name) ?? '').length;
    }
    if (embed.image !== undefined)
      push(urlProblem(`${at}.image.url`, isRecord(embed.image) ? embed.image.url : undefined, files));
    const hasContent = ['title', 'description', 'fields', 'footer', 'author', 'image', 'thumbnail'].some(
      (k) => embed[k] !== undefined,
    );
    if (!hasContent) problems.push(`${at}: empty embed`);
  });
  if (total > 6000) problems.push(`embeds: ${total} characters in total, at most 6000`);
  return problems;
}

function componentProblems(components: unknown): string[] {
  if (components === undefined) return [];
  if (!Array.isArray(components)) return ['components: expected an array'];
  const problems: string[] = [];
  if (components.length > 5) problems.push(`components: ${components.length} rows, at most 5`);
  const ids = new Set<string>();
  components.forEach((row: unknown, i) => {
    if (!isRecord(row) || row.type !== 1 || !Array.isArray(row.components)) {
      problems.push(`components[${i}]: not an action row`);
      return;
    }
    if (row.components.length > 5)
      problems.push(`components[${i}]: ${row.components.length} buttons, at most 5`);
    row.components.forEach((button: unknown, j) => {
      const b = isRecord(button) ? button : {};
      const at = `components[${i}].components[${j}]`;
      if (b.type !== 2) problems.push(`${at}: not a button`);
      const id = str(b.custom_id);
      if (id === undefined || id.length === 0 || id.length > 100)
        problems.push(`${at}.custom_id: 1–100 characters`);
      else if (ids.has(id)) problems.push(`${at}.custom_id: duplicate ${id}`);
      else ids.add(id);
      const label = lengthProblem(`${at}.label`, b.label, 80);
      if (label !== undefined) problems.push(label);
    });
  });
  return problems;
}

/** Problems with a message body (create, edit, interaction response data) and its uploaded files. */
export function messageProblems(body: unknown, files: readonly UploadedFile[] | null): string[] {
  if (!isRecord(body)) return ['message: expected an object'];
  const problems = [...embedProblems(body.embeds, files), ...componentProblems(body.components)];
  const content = lengthProblem('content', body.content, 2000);
  if (content !== undefined) problems.push(content);
  if (files !== null) {
    if (files.length > 10) problems.push(`files: ${files.length}, at most 10`);
    const size = files.reduce((s, f) => s + f.size, 0);
    if (size > 10 * 1024 * 1024) problems.push(`files: ${size} bytes, at most 10 MiB`);
    for (const f of files)
      if (!/^[A-Za-z0-9._-]+$/.test(f.name)) problems.push(`files: unsafe name ${f.name}`);
  }
  if (Array.isArray(body.attachments)) {
    body.attachments.forEach((a: unknown, i) => {
      const d = isRecord(a) ? a.description : undefined;
      const p = lengthProblem(`attachments[${i}].description`, d, 1024);
      if (p !== undefined) problems.push(p);
    });
  }
  const hasSomething =
    (str(body.content) ?? '') !== '' ||
    (Array.isArray(body.embeds) && body.embeds.length > 0) ||
    (files !== null && files.length > 0) ||
    (Array.isArray(body.components) && body.components.length > 0);
  if (!hasSomething && body.components === undefined && body.embeds === undefined)
    problems.push('message: empty (no content, embeds, files or components)');
  return problems;
}

/** Autocomplete result: at most 25 choices, names and values 1–100 characters. */
export function choiceProblems(choices: unknown): string[] {
  if (!Array.isArray(choices)) return ['choices: expected an array'];
  const problems: string[] = [];
  if (choices.length > 25) problems.push(`choices: ${choices.length}, at most 25`);
  choices.forEach((c: unknown, i) => {
    const choice = isRecord(c) ? c : {};
    for (const key of ['name', 'value'] as const) {
      const p = lengthProblem(`choices[${i}].${key}`, choice[key], 100, 1);
      if (p !== undefined && typeof choice[key] !== 'number') problems.push(p);
    }
  });
  return problems;
}
