// The playground page: a command box with suggestions, answers drawn like Discord embeds (from the same
// embed JSON the bot sends), and a live ingest panel fed by server-sent events. No build step.

const $ = (id) => document.getElementById(id);
const line = $('line');
const list = $('suggestions');
const messages = $('messages');
const usage = $('usage');

// ---------- rendering Discord's embed JSON ----------

const escapeHtml = (text) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

/** The small part of Discord markdown answers use: code blocks, `code`, **bold**, *italic*, [links](url). */
function markdown(text) {
  return text
    .split(/```/)
    .map((part, i) => {
      if (i % 2 === 1) return `<pre><code>${escapeHtml(part.replace(/^\n/, ''))}</code></pre>`;
      return escapeHtml(part)
        .replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\*([^*]+)\*/g, '<em>$1</em>')
        .replace(
          /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g,
          '<a href="$2" target="_blank" rel="noopener">$1</a>',
        );
    })
    .join('');
}

const colour = (n) => `#${(n ?? 0x9146ff).toString(16).padStart(6, '0')}`;

function el(tag, className, html) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (html !== undefined) node.innerHTML = html;
  return node;
}

function renderEmbed(embed, files) {
  const box = el('div', 'embed');
  box.style.borderLeftColor = colour(embed.color);
  if (embed.title) {
    const title = el('div', 'embed-title');
    title.innerHTML = embed.url
      ? `<a href="${escapeHtml(embed.url)}" target="_blank" rel="noopener">${escapeHtml(embed.title)}</a>`
      : escapeHtml(embed.title);
    box.append(title);
  }
  if (embed.description) box.append(el('div', 'embed-description', markdown(embed.description)));
  if (embed.fields?.length) {
    const fields = el('div', 'embed-fields');
    for (const f of embed.fields) {
      const field = el('div', f.inline ? 'field inline' : 'field');
      field.append(el('div', 'field-name', markdown(f.name)), el('div', 'field-value', markdown(f.value)));
      fields.append(field);
    }
    box.append(fields);
  }
  const ref = embed.image?.url?.replace(/^attachment:\/\//, '');
  const file = files.find((f) => f.name === ref);
  if (file) {
    const holder = el('div', 'embed-image');
    // The picture is shown small in the conversation; a click opens it full size in a new tab.
    const link = document.createElement('a');
    link.href = file.url;
    link.target = '_blank';
    link.rel = 'noopener';
    link.title = 'Open full size';
    const img = document.createElement('img');
    img.src = file.url;
    img.alt = file.description;
    img.width = Math.min(file.width, 480);
    link.append(img);
    holder.append(link);
    box.append(holder);
  }
  if (embed.footer?.text) box.append(el('div', 'embed-footer', escapeHtml(embed.footer.text)));
  return box;
}

function renderAnswer(target, answer) {
  target.replaceChildren();
  for (const embed of answer.embeds) target.append(renderEmbed(embed, answer.files));
  if (answer.ephemeral) target.append(el('div', 'ephemeral', '👁 Only you can see this (on Discord)'));
  if (answer.count > 1) {
    const buttons = el('div', 'buttons');
    const go = (index) => async () => {
      const res = await fetch(`/api/replies/${answer.id}/pages/${index}`);
      if (res.ok) renderAnswer(target, await res.json());
    };
    const prev = el('button', '', '◀ Previous');
    prev.disabled = answer.index === 0;
    prev.onclick = go(answer.index - 1);
    const at = el('button', '', `${answer.index + 1} / ${answer.count}`);
    at.disabled = true;
    const next = el('button', '', 'Next ▶');
    next.disabled = answer.index >= answer.count - 1;
    next.onclick = go(answer.index + 1);
    buttons.append(prev, at, next);
    target.append(buttons);
  }
}

function addMessage(text, answer) {
  const message = el('article', 'message');
  message.append(el('div', 'avatar', 'tg'));
  const body = el('div', 'body');
  body.append(el('div', 'used', `you used <span class="cmd">${escapeHtml(text)}</span>`));
  const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  body.append(
    el(
      'div',
      '',
      `<span class="author">twitchgraph<span class="bot">APP</span></span><span class="time">${time} · ${answer.elapsedMs ?? 0} ms</span>`,
    ),
  );
  const content = el('div', 'content');
  renderAnswer(content, answer);
  body.append(content);
  message.append(body);
  messages.append(message);
  // Scroll now, and again as each picture arrives: before it loads it has no height, and scrolling only
  // once would leave the end of the answer below the fold.
  const scroll = () => message.scrollIntoView({ block: 'end' });
  scroll();
  for (const img of message.querySelectorAll('img'))
    if (!img.complete) img.addEventListener('load', scroll, { once: true });
}

// ---------- running commands ----------

async function run() {
  const text = line.value.trim();
  if (text === '') return;
  // Drop suggestions still on their way for the line just sent.
  clearTimeout(timer);
  asked += 1;
  hideSuggestions();
  line.value = '';
  usage.textContent = '';
  const res = await fetch('/api/run', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: text.startsWith('/') ? text : `/${text}` }),
  });
  addMessage(text, await res.json());
}

// ---------- suggestions ----------

let timer;
let items = [];
let from = 0;
let active = -1;
let asked = 0;
// Enter picks a suggestion only after the arrow keys chose one; otherwise it runs the line.
let navigated = false;

function hideSuggestions() {
  navigated = false;
  items = [];
  active = -1;
  list.hidden = true;
  list.replaceChildren();
}

function showSuggestions() {
  list.replaceChildren();
  items.forEach((item, i) => {
    const li = el('li');
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', String(i === active));
    li.append(el('span', 'label', escapeHtml(item.label)));
    if (item.detail) li.append(el('span', 'detail', escapeHtml(item.detail)));
    li.addEventListener('mousedown', (event) => {
      event.preventDefault();
      accept(i);
    });
    list.append(li);
  });
  list.hidden = items.length === 0;
}

async function suggest() {
  const mine = ++asked;
  const res = await fetch(`/api/complete?line=${encodeURIComponent(line.value)}`);
  const completion = await res.json();
  if (mine !== asked) return; // an older answer arriving late
  items = completion.items;
  from = completion.from;
  navigated = false;
  active = items.length > 0 ? 0 : -1;
  usage.textContent = completion.usage ?? '';
  showSuggestions();
}

function accept(i) {
  const item = items[i];
  if (!item) return;
  line.value = line.value.slice(0, from) + item.insert;
  line.focus();
  // A value without a trailing space ends the line (the last option): nothing more to suggest.
  if (item.insert.endsWith(' ')) void suggest();
  else hideSuggestions();
}

line.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(suggest, 60);
});
line.addEventListener('blur', () => hideSuggestions());
line.addEventListener('focus', () => {
  if (line.value === '') void suggest();
});
line.addEventListener('keydown', (event) => {
  const open = !list.hidden && items.length > 0;
  if (event.key === 'ArrowDown' && open) {
    navigated = true;
    active = (active + 1) % items.length;
    showSuggestions();
    event.preventDefault();
  } else if (event.key === 'ArrowUp' && open) {
    navigated = true;
    active = (active - 1 + items.length) % items.length;
    showSuggestions();
    event.preventDefault();
  } else if ((event.key === 'Tab' || (event.key === 'Enter' && navigated)) && open) {
    accept(active);
    event.preventDefault();
  } else if (event.key === 'Escape') {
    hideSuggestions();
  }
});
$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});

// ---------- live ingest panel ----------

function fillNames(id, names) {
  $(id).replaceChildren(...names.map((name) => el('li', '', escapeHtml(name))));
}

const events = new EventSource('/api/activity');
events.addEventListener('open', () => $('live-dot').classList.add('on'));
events.addEventListener('error', () => $('live-dot').classList.remove('on'));
events.addEventListener('activity', (event) => {
  const s = JSON.parse(event.data);
  $('eps').textContent = s.eventsPerSecond.toLocaleString('en-US');
  $('total').textContent = s.totalEvents.toLocaleString('en-US');
  $('batches').textContent = s.batches.toLocaleString('en-US');
  $('last-batch').textContent =
    s.lastBatchAt === null
      ? 'No batch yet: the ingest worker reports here while it runs.'
      : `Last batch at ${new Date(s.lastBatchAt).toLocaleTimeString()}`;
  if (s.alerts.length > 0) {
    $('alerts').replaceChildren(
      ...s.alerts.map((a) =>
        el(
          'li',
          `alert ${a.kind}`,
          `<time>${escapeHtml(new Date(a.updatedAt).toLocaleTimeString())}</time> ${escapeHtml(a.title)}` +
            (a.version > 1 ? ` <span class="muted">(update ${a.version})</span>` : ''),
        ),
      ),
    );
  }
  fillNames('chatters', s.newestChatters);
  fillNames('channels', s.newestChannels);
});

// ---------- the input's example ----------

// The example names a streamer this graph has: the sample data and the demo data hold different channels.
void fetch(`/api/complete?line=${encodeURIComponent('/streamer ')}`)
  .then((res) => res.json())
  .then((completion) => {
    const first = completion.items?.[0];
    if (first) line.placeholder = `/streamer ${first.label}`;
  })
  .catch(() => undefined);
