// Discord's message markdown, turned into DOM nodes.
//
// Nothing here ever hands a string to the HTML parser: every piece of text becomes a text node and every
// element is made with createElement, so whatever a message contains can only ever show as text. Links are
// made only for http(s) URLs, so a `javascript:` link in content cannot run.

/** An absolute http(s) URL, normalised, or null for anything else. */
export function safeUrl(raw) {
  try {
    const url = new URL(String(raw).trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function make(tag, className, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child);
  return node;
}

function link(href, children) {
  const anchor = make("a", "md-link", children);
  anchor.href = href;
  anchor.target = "_blank";
  // The opened page must not be able to reach back into the playground.
  anchor.rel = "noopener noreferrer nofollow";
  anchor.title = href;
  return anchor;
}

const TIME_STYLES = {
  t: { timeStyle: "short" },
  T: { timeStyle: "medium" },
  d: { dateStyle: "short" },
  D: { dateStyle: "long" },
  f: { dateStyle: "long", timeStyle: "short" },
  F: { dateStyle: "full", timeStyle: "short" },
};

function timestamp(seconds, style) {
  const moment = new Date(Number(seconds) * 1000);
  if (Number.isNaN(moment.getTime())) return document.createTextNode(`<t:${seconds}>`);
  let text;
  if (style === "R") {
    const diff = (moment.getTime() - Date.now()) / 1000;
    const units = [
      ["year", 31536000],
      ["month", 2592000],
      ["day", 86400],
      ["hour", 3600],
      ["minute", 60],
      ["second", 1],
    ];
    const [unit, size] = units.find(([, s]) => Math.abs(diff) >= s) || units[units.length - 1];
    text = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(Math.round(diff / size), unit);
  } else {
    text = new Intl.DateTimeFormat(undefined, TIME_STYLES[style] || TIME_STYLES.f).format(moment);
  }
  const node = make("time", "md-timestamp", [text]);
  node.dateTime = moment.toISOString();
  node.title = moment.toLocaleString();
  return node;
}

function isWordChar(ch) {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

// Tried in order at every position where one of `first` appears; the first that matches wins. Each rule's
// regex is sticky, so it matches only at that position. Inner text is parsed again, so styles nest.
const RULES = [
  { first: "\\", re: /\\([^\s\p{L}\p{N}])/uy, build: (m) => [m[1]] },
  { first: "`", re: /(`{1,2})([^`]|[^`][\s\S]*?[^`])\1(?!`)/y, build: (m) => [make("code", "md-code", [m[2]])] },
  {
    first: "|",
    re: /\|\|([\s\S]+?)\|\|/y,
    build: (m, opts) => {
      const spoiler = make("span", "md-spoiler", parse(m[1], opts));
      spoiler.tabIndex = 0;
      spoiler.setAttribute("role", "button");
      spoiler.setAttribute("aria-label", "Spoiler (press to reveal)");
      return [spoiler];
    },
  },
  {
    first: "[",
    re: /\[((?:\\[\s\S]|[^\[\]\\])+)\]\(\s*<?(https?:\/\/[^\s)>]+)>?(?:\s+"([^"]*)")?\s*\)/y,
    when: (opts) => opts.links,
    build: (m, opts) => {
      const href = safeUrl(m[2]);
      const label = parse(m[1], { ...opts, links: false });
      if (!href) return [`[`, ...label, `](${m[2]})`];
      const anchor = link(href, label);
      if (m[3]) anchor.title = m[3];
      return [anchor];
    },
  },
  {
    first: "<",
    re: /<(https?:\/\/[^\s>]+)>/y,
    when: (opts) => opts.links,
    build: (m) => {
      const href = safeUrl(m[1]);
      return href ? [link(href, [m[1]])] : [m[0]];
    },
  },
  {
    first: "h",
    re: /https?:\/\/[^\s<]+[^\s<.,:;"')\]!?*_~|]/y,
    when: (opts, src, i) => opts.links && !isWordChar(src[i - 1]),
    build: (m) => {
      const href = safeUrl(m[0]);
      return href ? [link(href, [m[0]])] : [m[0]];
    },
  },
  {
    first: "<",
    re: /<t:(-?\d{1,13})(?::([tTdDfFR]))?>/y,
    build: (m) => [timestamp(m[1], m[2])],
  },
  {
    // A slash-command mention, as a reply names a command once its id is known: Discord shows "/name".
    first: "<",
    re: /<\/([-_a-z0-9]{1,32}(?: [-_a-z0-9]{1,32}){0,2}):(\d{5,20})>/y,
    build: (m) => [make("span", "md-mention md-command", ["/" + m[1]])],
  },
  {
    first: "<",
    re: /<(@!?|@&|#)(\d{5,20})>/y,
    build: (m, opts) => {
      const kind = m[1] === "#" ? "channel" : m[1] === "@&" ? "role" : "user";
      const name = (opts.names && opts.names[kind] && opts.names[kind][m[2]]) || `unknown-${kind}`;
      return [make("span", "md-mention", [(kind === "channel" ? "#" : "@") + name])];
    },
  },
  {
    // Custom emoji are images on Discord's CDN, which the playground never loads: show their name.
    first: "<",
    re: /<a?:(\w{2,32}):\d{5,20}>/y,
    build: (m) => [make("span", "md-emoji", [`:${m[1]}:`])],
  },
  {
    first: "*",
    re: /\*\*\*(?=\S)([\s\S]*?\S)\*\*\*(?!\*)/y,
    build: (m, opts) => [make("strong", "", [make("em", "", parse(m[1], opts))])],
  },
  { first: "*", re: /\*\*(?=\S)([\s\S]*?\S)\*\*(?!\*)/y, build: (m, opts) => [make("strong", "", parse(m[1], opts))] },
  { first: "_", re: /__([\s\S]+?)__(?!_)/y, build: (m, opts) => [make("u", "", parse(m[1], opts))] },
  {
    first: "*",
    re: /\*(?=\S)((?:\*\*[\s\S]+?\*\*|\\[\s\S]|[^*\\])*?\S)\*(?!\*)/y,
    build: (m, opts) => [make("em", "", parse(m[1], opts))],
  },
  {
    first: "_",
    re: /_((?:__|\\[\s\S]|[^\\_])+?)_(?![\p{L}\p{N}_])/uy,
    when: (opts, src, i) => !isWordChar(src[i - 1]),
    build: (m, opts) => [make("em", "", parse(m[1], opts))],
  },
  { first: "~", re: /~~([\s\S]+?)~~/y, build: (m, opts) => [make("s", "", parse(m[1], opts))] },
];
const FIRST = new Set(RULES.map((r) => r.first));

/** Inline markdown (bold, italics, underline, strike, code, spoilers, links) as an array of nodes. */
function parse(src, opts) {
  const out = [];
  let text = "";
  const push = (run) => (opts.decorate ? out.push(...opts.decorate(run)) : out.push(run));
  let i = 0;
  scan: while (i < src.length) {
    const ch = src[i];
    if (FIRST.has(ch)) {
      for (const rule of RULES) {
        if (rule.first !== ch || (rule.when && !rule.when(opts, src, i))) continue;
        rule.re.lastIndex = i;
        const match = rule.re.exec(src);
        if (!match) continue;
        if (text) push(text);
        text = "";
        out.push(...rule.build(match, opts));
        i += match[0].length;
        continue scan;
      }
    }
    text += ch;
    i += 1;
  }
  if (text) push(text);
  return out;
}

const FENCE = /^```([\w+#.-]*)\s*$/;
const FENCE_ONE_LINE = /^```([\s\S]*?)```\s*$/;
const HEADING = /^(#{1,3}) (.*\S.*)$/;
const SUBTEXT = /^-# (.*\S.*)$/;
const LIST_ITEM = /^(\s*)([-*]|\d{1,9}\.) (.*)$/;
const QUOTE = /^> ?(.*)$|^>$/;

function codeBlock(lines, language) {
  const code = make("code", language ? `language-${language}` : "", [lines.join("\n")]);
  return make("pre", "md-codeblock", [code]);
}

function list(items, opts) {
  // Items deeper than the first one's indentation belong to the item before them.
  const ordered = /^\d/.test(items[0].marker);
  const node = make(ordered ? "ol" : "ul", "md-list");
  if (ordered) node.start = parseInt(items[0].marker, 10);
  const base = items[0].indent;
  let k = 0;
  while (k < items.length) {
    const li = make("li", "", parse(items[k].text, opts));
    let j = k + 1;
    while (j < items.length && items[j].indent > base) j += 1;
    if (j > k + 1) li.append(list(items.slice(k + 1, j), opts));
    node.append(li);
    k = j;
  }
  return node;
}

function blocks(src, opts, inQuote) {
  const out = [];
  const lines = src.split("\n");
  let text = [];
  const flush = () => {
    if (text.length) out.push(...parse(text.join("\n"), opts));
    text = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (FENCE_ONE_LINE.test(line) && line.length > 6) {
      flush();
      out.push(codeBlock([FENCE_ONE_LINE.exec(line)[1]], ""));
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const end = lines.findIndex((l, k) => k > i && l.trimEnd().endsWith("```"));
      if (end !== -1) {
        flush();
        const body = lines.slice(i + 1, end + 1);
        body[body.length - 1] = body[body.length - 1].trimEnd().slice(0, -3);
        if (body[body.length - 1] === "") body.pop();
        out.push(codeBlock(body, fence[1]));
        i = end + 1;
        continue;
      }
    }
    if (!inQuote && line.startsWith(">>> ")) {
      flush();
      const rest = [line.slice(4), ...lines.slice(i + 1)].join("\n");
      out.push(make("blockquote", "md-quote", blocks(rest, opts, true)));
      break;
    }
    if (!inQuote && QUOTE.test(line) && (line === ">" || line.startsWith("> "))) {
      flush();
      const quoted = [];
      while (i < lines.length && (lines[i] === ">" || lines[i].startsWith("> "))) {
        quoted.push(lines[i].slice(2));
        i += 1;
      }
      out.push(make("blockquote", "md-quote", blocks(quoted.join("\n"), opts, true)));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading && opts.headings) {
      flush();
      out.push(make(`h${heading[1].length + 2}`, "md-heading", parse(heading[2], opts)));
      i += 1;
      continue;
    }
    const subtext = SUBTEXT.exec(line);
    if (subtext && opts.headings) {
      flush();
      out.push(make("small", "md-subtext", parse(subtext[1], opts)));
      i += 1;
      continue;
    }
    if (LIST_ITEM.test(line)) {
      flush();
      const items = [];
      while (i < lines.length && LIST_ITEM.test(lines[i])) {
        const [, indent, marker, rest] = LIST_ITEM.exec(lines[i]);
        items.push({ indent: indent.length, marker, text: rest });
        i += 1;
      }
      out.push(list(items, opts));
      continue;
    }
    text.push(line);
    i += 1;
  }
  flush();
  return out;
}

/**
 * Render Discord markdown into a DocumentFragment.
 *   links: masked links and URLs become anchors (embed descriptions and field values; not titles)
 *   blocks: quotes, lists, code blocks and headings (not in titles, field names or footers)
 *   names: {user: {id: name}, channel: {...}, role: {...}} for mentions
 *   decorate: turns a run of plain text (never code) into nodes, e.g. to draw emoji
 */
export function renderMarkdown(src, { links = true, blocks: withBlocks = true, headings = true, names, decorate } = {}) {
  const fragment = document.createDocumentFragment();
  const opts = { links, headings, names, decorate };
  const text = String(src ?? "");
  fragment.append(...(withBlocks ? blocks(text, opts, false) : parse(text, opts)));
  return fragment;
}
