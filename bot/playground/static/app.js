// The playground page: a Discord-like channel over the simulator.
//
// The server pushes everything over one WebSocket (a full snapshot on connect, then every new or edited
// message, command sync and content reload); the page acts through small JSON POSTs that the server turns
// into simulated interactions. All text from messages is rendered as DOM text nodes (see markdown.js).

import { renderMarkdown, safeUrl } from "./markdown.js";

const $ = (selector) => document.querySelector(selector);

const state = {
  app: { name: "Bot", color: 0x5865f2 },
  guild: { name: "" },
  channel: { name: "general" },
  users: [],
  commands: [],
  messages: new Map(),
  local: [],
  localCount: 0,
  // A local note sits right after the newest message that existed when it was made, so newer answers go below.
  localAnchors: new Map(),
  me: null,
  content: null,
  dismissed: new Set(),
};

const dom = {
  messages: $("#messages"),
  scroller: $("#scroller"),
  input: $("#input"),
  form: $("#composer"),
  popup: $("#popup"),
  bar: $("#command-bar"),
  error: $("#composer-error"),
  notices: $("#notices"),
  picker: $("#user-picker"),
  status: $("#status"),
  channelName: document.querySelectorAll("[data-channel-name]"),
  guildName: document.querySelectorAll("[data-guild-name]"),
  me: $("#me"),
  version: $("#pack-version"),
  empty: $("#empty"),
  railGuild: $("#rail-guild"),
};

// ------------------------------------------------------------------------------------------------ helpers

function make(tag, className, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
function icon(path, className = "icon", viewBox = "0 0 24 24") {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", viewBox);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", className);
  const shape = document.createElementNS(SVG, "path");
  shape.setAttribute("d", path);
  shape.setAttribute("fill", "currentColor");
  svg.append(shape);
  return svg;
}
const ICONS = {
  eye: "M12 5C5.6 5 2 12 2 12s3.6 7 10 7 10-7 10-7-3.6-7-10-7Zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9Zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z",
  chevron: "M7 10l5 5 5-5H7Z",
  send: "M3.4 20.4 21.9 12 3.4 3.6 3.4 10.2 16.6 12 3.4 13.8Z",
  external: "M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14V3ZM5 5h5v2H5v12h12v-5h2v5a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2Z",
  reply: "M10 8V4l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11Z",
  hash: "M10 3 9 8H5l-.4 2h4L7.8 14h-4l-.4 2h4L6.6 21h2l.8-5h4l-.8 5h2l.8-5h4l.4-2h-4l.8-4h4l.4-2h-4l1-5h-2l-1 5h-4l1-5h-2Zm.6 7h4l-.8 4h-4l.8-4Z",
  warning: "M12 2 1 21h22L12 2Zm1 16h-2v-2h2v2Zm0-4h-2v-4h2v4Z",
  check: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z",
};

function hex(color) {
  return `#${(Number(color) >>> 0).toString(16).padStart(6, "0").slice(-6)}`;
}

const AVATAR_COLORS = ["#5865f2", "#757e8a", "#3ba55c", "#faa61a", "#ed4245", "#eb459e"];
function avatar(user, size = "") {
  const isApp = user && user.id === state.app.id;
  const node = make("div", `avatar ${size}`.trim(), [(user?.name || "?").trim().charAt(0).toUpperCase()]);
  let hash = 0;
  for (const ch of String(user?.id || "")) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  node.style.setProperty("--avatar-color", isApp ? hex(state.app.color) : AVATAR_COLORS[hash % AVATAR_COLORS.length]);
  node.setAttribute("aria-hidden", "true");
  return node;
}

function userName(id) {
  return state.users.find((u) => u.id === id)?.name;
}

function mentionNames() {
  const user = Object.fromEntries(state.users.map((u) => [u.id, u.name]));
  if (state.app.id) user[state.app.id] = state.app.name;
  const channel = state.channel.id ? { [state.channel.id]: state.channel.name } : {};
  return { user, channel, role: {} };
}

function md(text, options = {}) {
  return renderMarkdown(text, { names: mentionNames(), decorate: withGlyphs, ...options });
}

function when(iso) {
  if (!iso) return "";
  const moment = new Date(iso);
  const time = moment.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  const today = new Date();
  if (moment.toDateString() === today.toDateString()) return `Today at ${time}`;
  return `${moment.toLocaleDateString()} ${time}`;
}

function sortKey(id) {
  // Snowflakes exceed 2**53, so they are compared as BigInts; a local note right after its anchor message.
  if (!id.startsWith("local-")) return [BigInt(id), 0, 0];
  return [BigInt(state.localAnchors.get(id) || "0"), 1, Number(id.slice(6))];
}

function compareIds(a, b) {
  const x = sortKey(a);
  const y = sortKey(b);
  for (let k = 0; k < x.length; k += 1) {
    if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
  }
  return 0;
}

function newestMessageId() {
  let newest = "0";
  for (const id of state.messages.keys()) if (BigInt(id) > BigInt(newest)) newest = id;
  return newest;
}

async function api(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, user: state.me }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok || data.ok === false) return { ok: false, error: data.error || `HTTP ${response.status}` };
    return data;
  } catch (error) {
    return { ok: false, error: `The playground is not reachable (${error.message})` };
  }
}

// ----------------------------------------------------------------------------------------------- messages

function visible(message) {
  if (message.deleted || state.dismissed.has(message.id)) return false;
  return !message.ephemeral || message.owner_id === state.me;
}

function isNearBottom() {
  const s = dom.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
}

function scrollToBottom() {
  dom.scroller.scrollTop = dom.scroller.scrollHeight;
}

function contextLine(message) {
  const interaction = message.interaction;
  if (!interaction) return null;
  if (interaction.type === 2 && interaction.name) {
    return make("div", "message-context", [
      avatar(interaction.user, "avatar-tiny"),
      make("span", "context-user", [interaction.user.name]),
      " used ",
      make("span", "context-command", [`/${interaction.name}`]),
    ]);
  }
  const source = interaction.interacted_message_id && state.messages.get(interaction.interacted_message_id);
  if (!source) return null;
  const snippet = source.embeds?.[0]?.title || source.content || "Click to see attachment";
  const line = make("button", "message-context is-reply", [
    icon(ICONS.reply, "icon context-icon"),
    avatar(source.author, "avatar-tiny"),
    make("span", "context-user", [`@${source.author.name}`]),
    make("span", "context-snippet", [snippet]),
  ]);
  line.type = "button";
  line.title = "Jump to the message";
  line.addEventListener("click", () => {
    const target = dom.messages.querySelector(`[data-id="${source.id}"]`);
    if (!target) return;
    target.scrollIntoView({ block: "center", behavior: "smooth" });
    target.classList.add("is-highlighted");
    target.addEventListener("animationend", () => target.classList.remove("is-highlighted"), { once: true });
  });
  return line;
}

// An embed's picture names a file sent with its message (`attachment://name`), as the bot's timeline does;
// Discord then draws that file inside the embed and not again below the message.
function attachmentNamed(message, url) {
  const prefix = "attachment://";
  if (typeof url !== "string" || !url.startsWith(prefix)) return null;
  return (message.attachments || []).find((file) => file.filename === url.slice(prefix.length)) || null;
}

function picture(file, className) {
  const img = make("img");
  Object.assign(img, { src: file.url, alt: file.description || file.filename, loading: "lazy", decoding: "async" });
  const link = make("a", className, [img]);
  Object.assign(link, { href: file.url, target: "_blank", rel: "noopener noreferrer" });
  return link;
}

function embedImage(message, embed) {
  const url = embed.image?.url;
  if (!url) return null;
  const file = attachmentNamed(message, url);
  if (file) return picture(file, "embed-image");
  // Pictures from elsewhere are not loaded here (the page fetches nothing from other sites): a link stands in.
  const href = safeUrl(url);
  if (!href) return null;
  const link = make("a", "embed-image-link", [`Image: ${href}`]);
  Object.assign(link, { href, target: "_blank", rel: "noopener noreferrer nofollow" });
  return link;
}

function renderFile(file) {
  if (file.content_type.startsWith("image/")) return picture(file, "attachment-image");
  const size = file.size >= 1024 ? `${(file.size / 1024).toFixed(1)} KB` : `${file.size} bytes`;
  const link = make("a", "attachment-file", [make("span", "attachment-name", [file.filename]), make("span", "attachment-size", [size])]);
  Object.assign(link, { href: file.url, download: file.filename, rel: "noopener" });
  return link;
}

function renderEmbed(embed, message) {
  const node = make("article", "embed");
  if (embed.color !== undefined && embed.color !== null) node.style.setProperty("--embed-color", hex(embed.color));
  const grid = make("div", "embed-grid");
  if (embed.author?.name) {
    const url = safeUrl(embed.author.url || "");
    const name = url ? make("a", "embed-author-name", [embed.author.name]) : make("span", "embed-author-name", [embed.author.name]);
    if (url) Object.assign(name, { href: url, target: "_blank", rel: "noopener noreferrer nofollow" });
    grid.append(make("div", "embed-author", [name]));
  }
  if (embed.title) {
    const url = safeUrl(embed.url || "");
    const title = make(url ? "a" : "div", "embed-title", [md(embed.title, { links: false, blocks: false })]);
    if (url) Object.assign(title, { href: url, target: "_blank", rel: "noopener noreferrer nofollow" });
    title.setAttribute("role", "heading");
    title.setAttribute("aria-level", "4");
    grid.append(title);
  }
  if (embed.description) grid.append(make("div", "embed-description markup", [md(embed.description)]));
  if (embed.fields?.length) {
    const fields = make("div", "embed-fields");
    // Discord sets up to three inline fields side by side; a field that is not inline takes a whole row.
    let i = 0;
    while (i < embed.fields.length) {
      let j = i + 1;
      if (embed.fields[i].inline) {
        while (j < embed.fields.length && embed.fields[j].inline && j - i < 3) j += 1;
      }
      const span = embed.fields[i].inline ? 12 / (j - i) : 12;
      for (const field of embed.fields.slice(i, j)) {
        fields.append(
          make("div", `embed-field span-${span}${field.inline ? " is-inline" : ""}`, [
            make("div", "embed-field-name", [md(field.name, { links: false, blocks: false })]),
            make("div", "embed-field-value markup", [md(field.value)]),
          ]),
        );
      }
      i = j;
    }
    grid.append(fields);
  }
  const image = embedImage(message, embed);
  if (image) grid.append(image);
  if (embed.footer?.text || embed.timestamp) {
    const parts = [];
    if (embed.footer?.text) parts.push(make("span", "embed-footer-text", [embed.footer.text]));
    if (embed.footer?.text && embed.timestamp) parts.push(make("span", "embed-footer-separator", ["•"]));
    if (embed.timestamp) parts.push(make("span", "embed-footer-text", [when(embed.timestamp)]));
    grid.append(make("div", "embed-footer", parts));
  }
  node.append(grid);
  return node;
}

const BUTTON_STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium" };

// Discord draws Unicode emoji as images rather than with the system's fonts, so media symbols look the same
// everywhere; the page does the same for the ones page buttons use, which many systems have no glyph for.
const GLYPHS = {
  "⏮": "M6 6h2v12H6V6Zm3.5 6 8.5 6V6l-8.5 6Z",
  "⏭": "M6 18l8.5-6L6 6v12Zm10-12v12h2V6h-2Z",
  "⏪": "M11 18V6l-8.5 6 8.5 6Zm.5-6 8.5 6V6l-8.5 6Z",
  "⏩": "M4 18l8.5-6L4 6v12Zm9-12v12l8.5-6L13 6Z",
  "◀": "M16 5v14L5 12l11-7Z",
  "▶": "M8 5v14l11-7L8 5Z",
};

function withGlyphs(text) {
  const parts = [];
  for (const piece of String(text).replace(/\uFE0F/g, "").split(/([⏮⏭⏪⏩◀▶])/u)) {
    if (!piece) continue;
    if (GLYPHS[piece]) {
      const glyph = icon(GLYPHS[piece], "icon glyph");
      glyph.setAttribute("role", "img");
      glyph.setAttribute("aria-label", piece);
      glyph.removeAttribute("aria-hidden");
      parts.push(glyph);
    } else {
      parts.push(piece);
    }
  }
  return parts;
}

function buttonLabel(component) {
  const parts = [];
  if (component.emoji?.name) parts.push(make("span", "button-emoji", withGlyphs(component.emoji.name)));
  if (component.label) parts.push(make("span", "button-label", withGlyphs(component.label)));
  return parts;
}

function renderButton(message, component) {
  const style = BUTTON_STYLES[component.style] || "secondary";
  if (style === "link") {
    const href = safeUrl(component.url || "");
    const anchor = make("a", "button button-secondary button-link", [...buttonLabel(component), icon(ICONS.external)]);
    if (href && !component.disabled) Object.assign(anchor, { href, target: "_blank", rel: "noopener noreferrer nofollow" });
    else anchor.classList.add("is-disabled");
    return anchor;
  }
  const button = make("button", `button button-${style}`, buttonLabel(component));
  button.type = "button";
  button.disabled = Boolean(component.disabled);
  button.dataset.customId = component.custom_id || "";
  if (!component.label && component.emoji?.name) button.setAttribute("aria-label", component.emoji.name);
  button.addEventListener("click", () => interact(message, button, "/api/click", { custom_id: component.custom_id }));
  return button;
}

let openSelect = null;

function closeSelect() {
  if (!openSelect) return;
  openSelect.classList.remove("is-open", "opens-up");
  openSelect.querySelector(".select-trigger").setAttribute("aria-expanded", "false");
  openSelect = null;
}

function renderSelect(message, component) {
  const wrapper = make("div", "select");
  wrapper.dataset.customId = component.custom_id || "";
  const options = component.options || [];
  const chosen = options.filter((o) => o.default);
  const text = chosen.length ? chosen.map((o) => o.label).join(", ") : component.placeholder || "Make a selection";
  const trigger = make("button", "select-trigger", [
    make("span", chosen.length ? "select-value" : "select-placeholder", [text]),
    icon(ICONS.chevron, "icon select-chevron"),
  ]);
  trigger.type = "button";
  trigger.setAttribute("aria-haspopup", "listbox");
  trigger.setAttribute("aria-expanded", "false");
  const supported = component.type === 3;
  trigger.disabled = Boolean(component.disabled) || !supported;
  if (!supported) trigger.title = "User, role and channel menus are not simulated in the playground";
  const menu = make("ul", "select-menu");
  menu.setAttribute("role", "listbox");
  const multiple = (component.max_values || 1) > 1;
  const picked = new Set(chosen.map((o) => o.value));
  const submit = () => {
    closeSelect();
    interact(message, trigger, "/api/select", { custom_id: component.custom_id, values: [...picked] });
  };
  for (const option of options) {
    const item = make("li", "select-option", [
      option.emoji?.name ? make("span", "select-option-emoji", [option.emoji.name]) : null,
      make("div", "select-option-text", [
        make("div", "select-option-label", [option.label]),
        option.description ? make("div", "select-option-description", [option.description]) : null,
      ]),
    ]);
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", String(picked.has(option.value)));
    item.tabIndex = -1;
    item.dataset.value = option.value;
    const choose = () => {
      if (!multiple) {
        picked.clear();
        picked.add(option.value);
        submit();
        return;
      }
      if (picked.has(option.value)) picked.delete(option.value);
      else if (picked.size < component.max_values) picked.add(option.value);
      item.setAttribute("aria-selected", String(picked.has(option.value)));
    };
    item.addEventListener("click", choose);
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
    menu.append(item);
  }
  if (multiple) {
    const apply = make("button", "select-apply", ["Apply"]);
    apply.type = "button";
    apply.addEventListener("click", () => {
      if (picked.size >= (component.min_values ?? 1)) submit();
    });
    menu.append(make("li", "select-actions", [apply]));
  }
  trigger.addEventListener("click", (event) => {
    event.stopPropagation();
    const wasOpen = wrapper.classList.contains("is-open");
    closeSelect();
    if (wasOpen) return;
    wrapper.classList.add("is-open");
    trigger.setAttribute("aria-expanded", "true");
    openSelect = wrapper;
    // Open upwards when the menu would run past the bottom of the window, as Discord does.
    const below = window.innerHeight - trigger.getBoundingClientRect().bottom;
    if (below < Math.min(menu.scrollHeight, 320) + 16) wrapper.classList.add("opens-up");
    menu.querySelector(".select-option")?.focus({ preventScroll: true });
  });
  menu.addEventListener("click", (event) => event.stopPropagation());
  wrapper.append(trigger, menu);
  return wrapper;
}

function renderComponents(message, components) {
  const holder = make("div", "components");
  for (const component of components || []) {
    if (component.type === 1) {
      const row = make("div", "action-row");
      for (const child of component.components || []) {
        if (child.type === 2) row.append(renderButton(message, child));
        else if ([3, 5, 6, 7, 8].includes(child.type)) row.append(renderSelect(message, child));
      }
      holder.append(row);
    } else if (component.type === 10) {
      holder.append(make("div", "text-display markup", [md(component.content || "")]));
    } else if (component.type === 14) {
      holder.append(make("hr", "separator"));
    } else if (component.type === 17 || component.type === 9) {
      holder.append(renderComponents(message, component.components || []));
    }
  }
  return holder;
}

function ephemeralNote(message) {
  const dismiss = make("button", "link-button", ["Dismiss message"]);
  dismiss.type = "button";
  dismiss.addEventListener("click", () => {
    state.dismissed.add(message.id);
    renderAll();
  });
  return make("div", "ephemeral-note", [
    icon(ICONS.eye, "icon ephemeral-icon"),
    make("span", "", ["Only you can see this"]),
    make("span", "dot", ["•"]),
    dismiss,
  ]);
}

function renderMessage(message) {
  const item = make("li", "message");
  item.dataset.id = message.id;
  if (message.ephemeral) item.classList.add("is-ephemeral");
  if (message.loading) item.classList.add("is-loading");
  const context = contextLine(message);
  if (context) item.append(context);
  const author = message.author;
  const header = make("h3", "message-header", [
    make("span", "username", [author.name]),
    author.bot ? make("span", "app-tag", ["APP"]) : null,
    make("time", "timestamp", [when(message.created_at)]),
  ]);
  header.querySelector("time").dateTime = message.created_at || "";
  const body = make("div", "message-body", [header]);
  if (message.loading) {
    body.append(
      make("div", "thinking", [
        `${author.name} is thinking`,
        make("span", "thinking-dots", [make("span"), make("span"), make("span")]),
      ]),
    );
  }
  if (message.content) {
    const content = make("div", "message-content markup", [md(message.content)]);
    if (message.edited_at) content.append(make("span", "edited", [" (edited)"]));
    body.append(content);
  }
  if (message.error) body.append(make("div", "message-content is-error", [message.error]));
  const inEmbeds = new Set((message.embeds || []).map((embed) => attachmentNamed(message, embed.image?.url)));
  const files = (message.attachments || []).filter((file) => !inEmbeds.has(file));
  if (files.length) body.append(make("div", "attachments", files.map(renderFile)));
  if (message.embeds?.length) body.append(make("div", "embeds", message.embeds.map((embed) => renderEmbed(embed, message))));
  if (message.components?.length) body.append(renderComponents(message, message.components));
  body.append(make("div", "interaction-failed"));
  if (message.ephemeral) body.append(ephemeralNote(message));
  item.append(avatar(author, "message-avatar"), body);
  return item;
}

function allMessages() {
  return [...state.messages.values(), ...state.local].filter(visible).sort((a, b) => compareIds(a.id, b.id));
}

function renderAll() {
  const stick = isNearBottom();
  closeSelect();
  const nodes = allMessages().map(renderMessage);
  dom.messages.replaceChildren(...nodes);
  dom.empty.hidden = nodes.length > 0;
  if (stick) scrollToBottom();
}

function upsert(message, { follow = false } = {}) {
  const known = state.messages.get(message.id);
  // Updates can cross (a snapshot and a push); the higher revision is the newer message.
  if (known && (known.deleted || known.revision > message.revision)) return;
  state.messages.set(message.id, message);
  place(message, follow);
}

/** Draw `message` where it belongs in the channel (or take it away if this user may not see it). */
function place(message, follow) {
  const stick = follow || isNearBottom();
  const existing = dom.messages.querySelector(`[data-id="${message.id}"]`);
  if (!visible(message)) {
    existing?.remove();
    dom.empty.hidden = dom.messages.children.length > 0;
    return;
  }
  if (existing?.contains(openSelect)) openSelect = null;
  const node = renderMessage(message);
  if (existing) {
    existing.replaceWith(node);
  } else {
    const next = [...dom.messages.children].find((child) => compareIds(child.dataset.id, message.id) > 0);
    dom.messages.insertBefore(node, next || null);
  }
  dom.empty.hidden = true;
  if (stick) scrollToBottom();
}

function addLocal(text, options = {}) {
  state.localCount += 1;
  const message = {
    id: `local-${state.localCount}`,
    author: { id: state.app.id, name: state.app.name, bot: true },
    content: "",
    error: text,
    embeds: [],
    components: [],
    ephemeral: true,
    owner_id: state.me,
    created_at: new Date().toISOString(),
    revision: 0,
    interaction: options.command
      ? { type: 2, name: options.command, user: { id: state.me, name: userName(state.me) || "You" } }
      : null,
  };
  state.localAnchors.set(message.id, newestMessageId());
  state.local.push(message);
  place(message, true);
}

async function interact(message, control, path, body) {
  const item = control.closest(".message");
  const failed = item?.querySelector(".interaction-failed");
  if (failed) failed.textContent = "";
  item?.classList.add("is-busy");
  control.classList.add("is-pending");
  const result = await api(path, { message_id: message.id, ...body });
  // The message may have been redrawn meanwhile; its current node carries the outcome.
  const current = dom.messages.querySelector(`[data-id="${message.id}"]`) || item;
  current?.classList.remove("is-busy");
  control.classList.remove("is-pending");
  if (!result.ok) {
    const slot = current?.querySelector(".interaction-failed");
    if (slot) slot.textContent = `This interaction failed: ${result.error}`;
  } else if (result.message && result.message.id !== message.id) {
    upsert(result.message, { follow: true });
  }
}

// ------------------------------------------------------------------------------------------------ notices

// A notice of something that happened ("Content reloaded") fades; one of a state that lasts (a refused
// reload, a stopped watcher) stays until the state ends.
const NOTICE_FADE_MS = 6000;

function notice(kind, heading, lines = [], { dismissible = true, key = kind, fade = 0 } = {}) {
  dom.notices.querySelector(`[data-key="${key}"]`)?.remove();
  const box = make("section", `notice notice-${kind}`);
  box.dataset.key = key;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  const title = make("div", "notice-title", [
    icon(kind === "ok" ? ICONS.check : ICONS.warning, "icon notice-icon"),
    make("span", "", [heading]),
  ]);
  if (dismissible) {
    const close = make("button", "notice-close", ["×"]);
    close.type = "button";
    close.setAttribute("aria-label", "Dismiss");
    close.addEventListener("click", () => box.remove());
    title.append(close);
  }
  box.append(title);
  if (lines.length) box.append(make("ul", "notice-list", lines));
  dom.notices.append(box);
  if (fade) {
    setTimeout(() => {
      box.classList.add("is-fading");
      // Removed when the fade ends, or soon after if the page is hidden and draws no transition.
      box.addEventListener("transitionend", () => box.remove(), { once: true });
      setTimeout(() => box.remove(), 1000);
    }, fade);
  }
  return box;
}

/** Show the pack's state; `live`: a reload that just happened (a snapshot only restates how things are). */
function showContent(content, { live = false } = {}) {
  state.content = content;
  dom.version.textContent = `pack ${content.serving}`;
  if (content.watch_error) notice("error", content.watch_error, [], { dismissible: false, key: "watch" });
  else dom.notices.querySelector('[data-key="watch"]')?.remove();
  // Whatever the last snapshot or event said is replaced, so nothing from before a restart lingers.
  dom.notices.querySelector('[data-key="content"]')?.remove();
  if (!content.reloaded) return;
  if (!content.ok) {
    const problems = content.problems.map((p) => {
      const where = p.line ? `${p.file}:${p.line}` : p.file;
      return make("li", "problem", [
        make("code", "problem-where", [where]),
        p.key ? make("span", "problem-key", [p.key]) : null,
        make("span", "problem-message", [p.message]),
      ]);
    });
    notice("error", `Content reload refused: still serving pack ${content.serving}`, problems, {
      dismissible: false,
      key: "content",
    });
  } else if (live) {
    const changed = content.commands_changed ? "; the commands changed and were synced again" : "";
    notice("ok", `Content reloaded: now serving pack ${content.version}${changed}`, [], {
      key: "content",
      fade: NOTICE_FADE_MS,
    });
  }
}

function showRejections(rejections) {
  const lines = rejections.map((text) => make("li", "", [make("code", "", [text])]));
  notice("warn", "Discord would refuse what the bot sent:", lines, { key: `rejection-${Date.now()}` });
}

function clearEventNotices() {
  // Warnings about what happened before this snapshot (another run of the playground, perhaps) are stale.
  dom.notices.querySelectorAll('[data-key^="rejection-"]').forEach((node) => node.remove());
}

// ----------------------------------------------------------------------------------------------- composer

const OPTION_TYPES = { 3: "text", 4: "whole number", 5: "True or False", 10: "number" };
const composer = { items: [], active: -1, mode: "none", picked: {}, generation: 0, explicit: false };

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `/name option:value option:value`, located by offsets so the caret can be placed in it. */
function parseLine(text) {
  const head = /^\/(\S*)/.exec(text);
  if (!head) return null;
  const name = head[1].toLowerCase();
  const command = state.commands.find((c) => c.name === name) || null;
  const parsed = { name, command, nameEnd: head[0].length, spans: [], stray: "" };
  if (!command || !command.options.length) {
    parsed.stray = text.slice(parsed.nameEnd).trim();
    return parsed;
  }
  // Longest names first, so an option whose name starts another's is not cut short.
  const names = command.options.map((o) => o.name).sort((a, b) => b.length - a.length);
  const token = new RegExp(`\\s(${names.map(escapeRegExp).join("|")}):`, "g");
  token.lastIndex = parsed.nameEnd - 1;
  let match;
  while ((match = token.exec(text))) {
    parsed.spans.push({ name: match[1], keyStart: match.index + 1, valueStart: match.index + match[0].length });
  }
  parsed.spans.forEach((span, k) => {
    span.end = k + 1 < parsed.spans.length ? parsed.spans[k + 1].keyStart - 1 : text.length;
    span.raw = text.slice(span.valueStart, span.end);
    span.value = span.raw.trim();
  });
  parsed.stray = text.slice(parsed.nameEnd, parsed.spans[0]?.keyStart ?? text.length).trim();
  return parsed;
}

function optionOf(command, name) {
  return command.options.find((o) => o.name === name);
}

function contextAt(text, caret) {
  const parsed = parseLine(text);
  if (!parsed) return { mode: "none" };
  if (caret <= parsed.nameEnd) return { mode: "commands", parsed, query: text.slice(1, caret).toLowerCase() };
  if (!parsed.command) return { mode: "unknown", parsed };
  const span = parsed.spans.find((s) => caret >= s.valueStart && caret <= s.end);
  const finished = span && caret === span.end && /\s$/.test(span.raw) && span.value;
  if (span && !finished) return { mode: "value", parsed, span, option: optionOf(parsed.command, span.name) };
  const before = text.slice(0, caret);
  const word = /(\S*)$/.exec(before)[1];
  return { mode: "options", parsed, word: word.toLowerCase(), wordStart: caret - word.length };
}

function setInput(text, caret = text.length) {
  dom.input.value = text;
  dom.input.setSelectionRange(caret, caret);
  dom.input.focus();
  refreshComposer();
}

function popupItem(main, detail, extra = null) {
  return make("li", "popup-item", [
    make("div", "popup-item-main", [main]),
    extra,
    detail ? make("div", "popup-item-detail", [detail]) : null,
  ]);
}

function showPopup(title, entries, active) {
  composer.items = entries;
  composer.active = entries.length ? active : -1;
  if (!entries.length) {
    hidePopup();
    return;
  }
  const list = make("ul", "popup-list");
  list.setAttribute("role", "listbox");
  entries.forEach((entry, index) => {
    const node = entry.node;
    node.id = `popup-item-${index}`;
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", String(index === composer.active));
    node.addEventListener("mousedown", (event) => event.preventDefault());
    node.addEventListener("click", () => entry.choose());
    node.addEventListener("mousemove", () => highlight(index));
    list.append(node);
  });
  dom.popup.replaceChildren(make("div", "popup-title", [title]), list);
  dom.popup.hidden = false;
  dom.input.setAttribute("aria-expanded", "true");
  highlight(composer.active);
}

function hidePopup() {
  dom.popup.hidden = true;
  dom.popup.replaceChildren();
  composer.items = [];
  composer.active = -1;
  dom.input.setAttribute("aria-expanded", "false");
  dom.input.removeAttribute("aria-activedescendant");
}

function highlight(index) {
  composer.active = index;
  dom.popup.querySelectorAll(".popup-item").forEach((node, k) => {
    node.setAttribute("aria-selected", String(k === index));
    if (k === index) node.scrollIntoView({ block: "nearest" });
  });
  if (index >= 0) dom.input.setAttribute("aria-activedescendant", `popup-item-${index}`);
  else dom.input.removeAttribute("aria-activedescendant");
}

function renderBar(ctx) {
  const command = ctx.parsed?.command;
  if (!command || ctx.mode === "commands") {
    dom.bar.hidden = true;
    return;
  }
  const filled = new Map(ctx.parsed.spans.map((s) => [s.name, s.value]));
  const chips = [make("span", "command-chip", [`/${command.name}`])];
  for (const option of command.options) {
    const active = ctx.span?.name === option.name;
    const chip = make("button", "option-chip", [
      make("span", "option-chip-name", [option.name]),
      filled.has(option.name) ? make("span", "option-chip-value", [filled.get(option.name) || "…"]) : null,
    ]);
    chip.type = "button";
    if (option.required) chip.classList.add("is-required");
    if (filled.has(option.name)) chip.classList.add("is-filled");
    if (active) chip.classList.add("is-active");
    chip.title = option.description;
    chip.addEventListener("mousedown", (event) => event.preventDefault());
    chip.addEventListener("click", () => focusOption(option.name));
    chips.push(chip);
  }
  const option = ctx.option;
  const hint = option
    ? `${option.name}: ${option.description}${option.required ? "" : " (optional)"}`
    : command.description;
  dom.bar.replaceChildren(make("div", "command-chips", chips), make("div", "command-hint", [hint]));
  dom.bar.hidden = false;
}

function focusOption(name) {
  const text = dom.input.value;
  const parsed = parseLine(text);
  const span = parsed?.spans.find((s) => s.name === name);
  if (span) {
    dom.input.focus();
    dom.input.setSelectionRange(span.end, span.end);
    refreshComposer();
    return;
  }
  const base = text.replace(/\s+$/, "");
  setInput(`${base} ${name}:`);
}

function chooseCommand(command) {
  composer.picked = {};
  setInput(`/${command.name} `);
}

function chooseOption(ctx, option) {
  const text = dom.input.value;
  const before = text.slice(0, ctx.wordStart);
  const after = text.slice(ctx.wordStart + ctx.word.length);
  const insert = `${before.length && !/\s$/.test(before) ? " " : ""}${option.name}:`;
  setInput(before + insert + after, (before + insert).length);
}

function chooseValue(ctx, choice) {
  const text = dom.input.value;
  const { span } = ctx;
  composer.picked[span.name] = { name: String(choice.name), value: choice.value };
  const last = span.end === text.length;
  const inserted = `${choice.name}${last ? " " : ""}`;
  setInput(text.slice(0, span.valueStart) + inserted + text.slice(span.end), span.valueStart + inserted.length);
}

/** Whether Discord would list `command` to the current user: one behind a permission only for administrators. */
function mayUse(command) {
  if (!command.default_member_permissions) return true;
  return Boolean(state.users.find((u) => u.id === state.me)?.admin);
}

function commandEntries(ctx) {
  const query = ctx.query;
  const offered = state.commands.filter(mayUse);
  const starts = offered.filter((c) => c.name.startsWith(query));
  const contains = offered.filter((c) => !c.name.startsWith(query) && c.name.includes(query));
  return [...starts, ...contains].map((command) => ({
    node: popupItem(make("span", "popup-command", [`/${command.name}`]), command.description),
    choose: () => chooseCommand(command),
    command,
  }));
}

async function valueEntries(ctx) {
  const { option, span } = ctx;
  const query = span.value.toLowerCase();
  if (option.choices?.length) {
    return option.choices
      .filter((c) => !query || String(c.name).toLowerCase().includes(query) || composer.picked[option.name]?.name === span.value)
      .map((choice) => ({
        node: popupItem(String(choice.name), null),
        label: String(choice.name),
        choose: () => chooseValue(ctx, choice),
      }));
  }
  if (option.type === 5) {
    return ["True", "False"]
      .filter((v) => !query || v.toLowerCase().startsWith(query))
      .map((v) => ({ node: popupItem(v, null), label: v, choose: () => chooseValue(ctx, { name: v, value: v === "True" }) }));
  }
  if (option.autocomplete) {
    const others = collectOptions(ctx.parsed, { skip: option.name, lenient: true }).values;
    const result = await api("/api/autocomplete", {
      command: ctx.parsed.command.name,
      option: option.name,
      value: span.value,
      options: others,
    });
    if (!result.ok) return [{ node: popupItem(result.error, null), choose: () => {}, inert: true }];
    return result.choices.map((choice) => ({
      node: popupItem(choice.name, null),
      label: choice.name,
      choose: () => chooseValue(ctx, choice),
    }));
  }
  return [];
}

async function refreshComposer() {
  // Typing goes on while the bot suggests; only what the latest keystroke asked for may be shown.
  const generation = ++composer.generation;
  dom.error.textContent = "";
  const text = dom.input.value;
  const ctx = contextAt(text, dom.input.selectionStart ?? text.length);
  composer.mode = ctx.mode;
  composer.explicit = false;
  renderBar(ctx);
  if (ctx.mode === "commands") {
    showPopup(state.app.name, commandEntries(ctx), 0);
  } else if (ctx.mode === "options") {
    const filled = new Set(ctx.parsed.spans.map((s) => s.name));
    const entries = ctx.parsed.command.options
      .filter((o) => !filled.has(o.name) && o.name.startsWith(ctx.word))
      .map((option) => ({
        node: popupItem(
          make("span", "popup-option", [option.name]),
          option.description,
          option.required ? make("span", "popup-required", ["required"]) : null,
        ),
        choose: () => chooseOption(ctx, option),
      }));
    showPopup(`Options of /${ctx.parsed.command.name}`, entries, ctx.word ? 0 : -1);
  } else if (ctx.mode === "value") {
    const option = ctx.option;
    const title = `${option.name} — ${OPTION_TYPES[option.type] || "value"}${option.autocomplete ? ", suggested by the bot" : ""}`;
    if (option.autocomplete) showPopup(title, [{ node: popupItem("Loading…", null), choose: () => {}, inert: true }], -1);
    const entries = await valueEntries(ctx);
    if (generation !== composer.generation) return;
    // A value typed out in full is not re-chosen by Enter: Enter then sends, as for a whole command name.
    const typed = ctx.span.value.toLowerCase();
    const settled = entries.some((entry) => entry.label?.toLowerCase() === typed);
    showPopup(title, entries, entries.length && !entries[0].inert && !settled ? 0 : -1);
  } else {
    hidePopup();
  }
}

function coerce(option, raw) {
  const text = raw.trim();
  if (option.choices?.length) {
    const picked = composer.picked[option.name];
    if (picked && picked.name === text) return { value: picked.value };
    const lower = text.toLowerCase();
    const choice = option.choices.find(
      (c) => String(c.name).toLowerCase() === lower || String(c.value).toLowerCase() === lower,
    );
    if (!choice) return { error: `${option.name}: choose one of ${option.choices.map((c) => c.name).join(", ")}` };
    return { value: choice.value };
  }
  if (option.type === 5) {
    if (/^(true|yes|1|on)$/i.test(text)) return { value: true };
    if (/^(false|no|0|off)$/i.test(text)) return { value: false };
    return { error: `${option.name}: True or False` };
  }
  if (option.type === 4 || option.type === 10) {
    const number = option.type === 4 ? Number.parseInt(text, 10) : Number.parseFloat(text);
    if (!Number.isFinite(number) || (option.type === 4 && !/^-?\d+$/.test(text))) {
      return { error: `${option.name}: ${OPTION_TYPES[option.type]}` };
    }
    return { value: number };
  }
  const picked = composer.picked[option.name];
  if (option.autocomplete && picked && picked.name === text) return { value: picked.value };
  return { value: text };
}

function collectOptions(parsed, { skip = null, lenient = false } = {}) {
  const values = {};
  const errors = [];
  const spans = [...parsed.spans];
  const command = parsed.command;
  // `/search nato training` without `query:`: the words go to the one text option that is still empty.
  if (parsed.stray && !lenient) {
    const free = command.options.filter((o) => o.type === 3 && !o.choices?.length && !spans.some((s) => s.name === o.name));
    const required = free.filter((o) => o.required);
    const target = required.length === 1 ? required[0] : free.length === 1 ? free[0] : null;
    if (target) spans.push({ name: target.name, value: parsed.stray });
    else errors.push(`Unexpected text "${parsed.stray}": give options as name:value`);
  }
  for (const span of spans) {
    if (span.name === skip || (lenient && !span.value)) continue;
    const option = optionOf(command, span.name);
    if (!span.value) {
      errors.push(`${span.name}: needs a value`);
      continue;
    }
    const { value, error } = coerce(option, span.value);
    if (error) {
      if (!lenient) errors.push(error);
    } else {
      values[span.name] = value;
    }
  }
  if (!lenient) {
    for (const option of command.options) {
      if (option.required && !(option.name in values)) errors.push(`Missing required option: ${option.name}`);
    }
  }
  return { values, errors };
}

async function send() {
  const text = dom.input.value.trim();
  if (!text) return;
  const parsed = parseLine(text);
  if (!parsed) {
    dom.error.textContent = "This bot answers slash commands only: type / to see them.";
    return;
  }
  if (!parsed.command) {
    dom.error.textContent = `There is no command /${parsed.name}. Type / to see the commands.`;
    return;
  }
  const { values, errors } = collectOptions(parsed);
  if (errors.length) {
    dom.error.textContent = errors.join(" · ");
    return;
  }
  hidePopup();
  dom.bar.hidden = true;
  dom.input.value = "";
  composer.picked = {};
  const result = await api("/api/invoke", { command: parsed.command.name, options: values });
  if (!result.ok) addLocal(result.error, { command: parsed.command.name });
  else if (result.message) upsert(result.message, { follow: true });
}

function onKeyDown(event) {
  const open = !dom.popup.hidden && composer.items.length > 0;
  if (event.key === "ArrowDown" && open) {
    event.preventDefault();
    composer.explicit = true;
    highlight((composer.active + 1) % composer.items.length);
  } else if (event.key === "ArrowUp" && open) {
    event.preventDefault();
    composer.explicit = true;
    highlight((composer.active - 1 + composer.items.length) % composer.items.length);
  } else if (event.key === "Escape" && open) {
    event.preventDefault();
    hidePopup();
  } else if (event.key === "Tab" && open) {
    event.preventDefault();
    const entry = composer.items[Math.max(composer.active, 0)];
    if (!entry.inert) entry.choose();
  } else if (event.key === "Enter") {
    event.preventDefault();
    const entry = open && composer.active >= 0 ? composer.items[composer.active] : null;
    // A command typed out in full sends at once, as on Discord; the list only catches a partial name.
    const exact = composer.mode === "commands" && !composer.explicit && entry?.command?.name === parseLine(dom.input.value)?.name;
    if (entry && !entry.inert && !exact) entry.choose();
    else send();
  }
}

// ------------------------------------------------------------------------------------------------ wiring

function renderUsers() {
  const previous = state.me;
  dom.picker.replaceChildren(
    ...state.users.map((user) => {
      const option = make("option", "", [user.name]);
      option.value = user.id;
      return option;
    }),
  );
  const saved = localStorage.getItem("playground.user");
  state.me = [previous, saved].find((id) => id && state.users.some((u) => u.id === id)) || state.users[0]?.id || null;
  dom.picker.value = state.me || "";
  renderMe();
}

function renderMe() {
  const me = state.users.find((u) => u.id === state.me);
  if (!me || !dom.me) return;
  dom.me.replaceChildren(
    avatar(me, "avatar-small"),
    make("div", "me-names", [make("div", "me-name", [me.name]), make("div", "me-tag", [me.username])]),
  );
}

function applySnapshot(snapshot) {
  state.app = snapshot.app;
  state.guild = snapshot.guild;
  state.channel = snapshot.channel;
  state.users = snapshot.users;
  state.commands = snapshot.commands;
  state.messages = new Map(snapshot.messages.map((m) => [m.id, m]));
  dom.channelName.forEach((node) => (node.textContent = state.channel.name));
  dom.guildName.forEach((node) => (node.textContent = state.guild.name));
  const initials = state.guild.name.split(/\s+/).map((word) => word.charAt(0)).join("").slice(0, 3);
  dom.railGuild.firstElementChild.textContent = initials;
  dom.railGuild.title = state.guild.name;
  dom.input.placeholder = `Message #${state.channel.name} — type / for commands`;
  document.title = `#${state.channel.name} · ${state.app.name} playground`;
  renderUsers();
  clearEventNotices();
  showContent(snapshot.content);
  renderAll();
  refreshComposer();
}

function handle(event) {
  if (event.type === "hello") applySnapshot(event);
  else if (event.type === "messages") event.messages.forEach((m) => upsert(m));
  else if (event.type === "commands") {
    state.commands = event.commands;
    if (document.activeElement === dom.input) refreshComposer();
  } else if (event.type === "content") showContent(event.content, { live: true });
  else if (event.type === "rejections") showRejections(event.rejections);
}

let retryDelay = 250;
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/events`);
  socket.addEventListener("open", () => {
    retryDelay = 250;
    dom.status.dataset.state = "live";
    dom.status.title = "Connected to the playground";
  });
  socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
  socket.addEventListener("close", () => {
    dom.status.dataset.state = "offline";
    dom.status.title = "Reconnecting to the playground…";
    // The playground restarted or went away: try again, backing off, and take the fresh snapshot it sends.
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
  });
}

dom.input.addEventListener("input", refreshComposer);
dom.input.addEventListener("click", refreshComposer);
dom.input.addEventListener("keyup", (event) => {
  if (event.key === "ArrowLeft" || event.key === "ArrowRight" || event.key === "Home" || event.key === "End") refreshComposer();
});
dom.input.addEventListener("keydown", onKeyDown);
dom.input.addEventListener("blur", () => setTimeout(() => document.activeElement !== dom.input && hidePopup(), 0));
dom.form.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
dom.picker.addEventListener("change", () => {
  state.me = dom.picker.value;
  localStorage.setItem("playground.user", state.me);
  renderMe();
  renderAll();
});
document.addEventListener("click", (event) => {
  if (openSelect && !openSelect.contains(event.target)) closeSelect();
  const spoiler = event.target.closest?.(".md-spoiler");
  if (spoiler) spoiler.classList.add("is-revealed");
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeSelect();
  if ((event.key === "Enter" || event.key === " ") && event.target.classList?.contains("md-spoiler")) {
    event.target.classList.add("is-revealed");
  }
});

connect();
