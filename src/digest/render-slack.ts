/**
 * Slack Block Kit rendering of a digest: a list of messages, to be posted in order.
 *
 * Message 1 opens with a `header` block (the subject) and a `context` line (counts per theme, window);
 * each theme starts with a `section` naming it; each entry is a `section` (linked title, snippet with
 * matched terms in bold) followed by a `context` line (outlet, date, also reported by). The last
 * message ends with a footer `context` (subscription, window).
 *
 * Slack's limits are respected by construction, never by silent truncation: a message holds at most
 * `MAX_BLOCKS` (50) blocks — when a digest needs more it is split between entries into several
 * messages, each after the first opening with "part k of n" and, when it starts inside a theme, the
 * theme's name marked "(continued)"; a text field holds at most `MAX_TEXT` (3,000) characters — the
 * only cuts are explicit: a title longer than `MAX_TITLE` characters ends in "…", a header in "…"
 * past 150 characters, an "also reported by" list past 10 outlets ends in "and N more", and a header
 * count line too long for one field ends in "and N more themes" (each theme still has its own section).
 *
 * Feed text is cleaned and then escaped (`&` `<` `>` as Slack asks), so it cannot ping `<!channel>`,
 * mention a user (`<@U…>`), or forge a `<url|label>` link. Every mrkdwn text object is sent with
 * `verbatim: true`, so Slack does not run its automatic parsing over the plain text either: a bare
 * `@here`, `@channel`, `#channel` or URL in a title stays text, and only the `<url|label>` links
 * written here are links. Only http(s) URLs become links, and a URL's label never shows a host the
 * link does not go to (userinfo is stripped before rendering: see `toSafeUrl`).
 */
import type { Digest, DigestEntry } from './model.js';
import { cleanLine, foldSpaces, formatDateTime, formatWindow, markHighlights, renderSubject, shorten } from './format.js';

export const MAX_BLOCKS = 50;
export const MAX_TEXT = 3000;
export const MAX_TITLE = 300;
const MAX_HEADER = 150;
const MAX_ALSO = 10;

export type SlackText =
  | { readonly type: 'mrkdwn'; readonly text: string; readonly verbatim: true }
  | { readonly type: 'plain_text'; readonly text: string };
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text: SlackText }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] };
export interface SlackMessage {
  /** Notification fallback text. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const md = (text: string): SlackText => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): SlackBlock => ({ type: 'section', text: md(text) });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [md(text)] });
const esc = (s: string): string => escapeSlack(cleanLine(s));
const bold = (s: string): string => (s.trim() ? `*${s}*` : s);

function slackLink(url: string | null, label: string): string {
  return url ? `<${url.replace(/\|/g, '%7C')}|${label}>` : label;
}

function renderEntryBlocks(e: DigestEntry, timeZone: string): SlackBlock[] {
  const shown =
    cleanLine(e.title).length <= MAX_TITLE
      ? foldSpaces(markHighlights(e.title, e.titleHighlights, escapeSlack, bold)).trim()
      : escapeSlack(shorten(cleanLine(e.title), MAX_TITLE));
  let snippet = '';
  if (e.snippet.text) {
    const body = foldSpaces(markHighlights(e.snippet.text, e.snippet.highlights, escapeSlack, bold));
    snippet = `\n${e.snippet.cutStart ? '…' : ''}${body}${e.snippet.cutEnd ? '…' : ''}`;
  }
  let text = `${slackLink(e.url, shown)}${snippet}`;
  if (text.length > MAX_TEXT) text = `${shown} (link not shown: URL too long)${snippet}`;
  const when = `${formatDateTime(e.published, timeZone)}${e.publishedEstimated ? ' (date estimated)' : ''}`;
  let line = `${esc(e.outlet.name)} · ${when}`;
  const also = e.alsoReportedBy;
  for (let i = 0; i < also.length; i++) {
    const next = `${i === 0 ? ' · also reported by ' : ', '}${slackLink(also[i]!.url, esc(also[i]!.outlet.name))}`;
    const rest = also.length - i;
    if (i >= MAX_ALSO || line.length + next.length + 30 > MAX_TEXT) {
      line += `${i === 0 ? ' · also reported by' : ','} and ${rest} more`;
      break;
    }
    line += next;
  }
  return [section(text), context(line)];
}

/** Escaped text of at most `max` characters, shortened with "…" before escaping until it fits. */
function fitEscaped(text: string, max: number): string {
  let out = escapeSlack(text);
  for (let limit = max; out.length > max && limit > 1; limit = Math.floor(limit * 0.8)) out = escapeSlack(shorten(text, limit));
  return out;
}

/** A run of blocks that must stay in one message, and the theme it belongs to. */
interface Unit {
  readonly blocks: SlackBlock[];
  readonly theme?: string;
}

function pack(units: readonly Unit[], reserveFirst: number): SlackBlock[][] {
  const messages: SlackBlock[][] = [[]];
  let used = reserveFirst;
  for (const unit of units) {
    const current = messages[messages.length - 1]!;
    if (used + unit.blocks.length <= MAX_BLOCKS) {
      current.push(...unit.blocks);
      used += unit.blocks.length;
      continue;
    }
    const opening: SlackBlock[] = [context('…')];
    if (unit.theme !== undefined) opening.push(section(`*${unit.theme}* (continued)`));
    messages.push([...opening, ...unit.blocks]);
    used = opening.length + unit.blocks.length;
  }
  return messages;
}

export function renderSlackMessages(digest: Digest): SlackMessage[] {
  const subject = renderSubject(digest);
  const countParts = digest.counts.map((c) => `${esc(c.ruleName)}: *${c.count}*`);
  let counts = countParts.join(' · ');
  for (let shown = countParts.length - 1; counts.length > MAX_TEXT - 100 && shown > 0; shown--) {
    counts = `${countParts.slice(0, shown).join(' · ')} · and ${countParts.length - shown} more themes`;
  }
  const units: Unit[] = [];
  if (digest.total === 0) units.push({ blocks: [section('Nothing new matched your watch rules in this window.')] });
  for (const g of digest.groups) {
    const theme = esc(g.ruleName);
    g.entries.forEach((e, i) => {
      // the theme's heading travels with its first entry, so it never ends a message alone
      const heading = i === 0 ? [section(`*${theme}* (${g.entries.length})`)] : [];
      units.push({ blocks: [...heading, ...renderEntryBlocks(e, digest.timeZone)], ...(i === 0 ? {} : { theme }) });
    });
  }
  units.push({ blocks: [context(`Subscription: ${esc(digest.subscription.name)} (${escapeSlack(digest.subscription.id)}) · window ${escapeSlack(formatWindow(digest))}`)] });
  const packed = pack(units, 2);
  const n = packed.length;
  const part = (k: number): string => (n > 1 ? ` · part ${k} of ${n}` : '');
  return packed.map((blocks, k) => {
    const head: SlackBlock[] =
      k === 0
        ? [{ type: 'header', text: { type: 'plain_text', text: fitEscaped(subject, MAX_HEADER) } }, context(`${counts || 'No matches'}${part(1)}`)]
        : [context(`${fitEscaped(subject, 200)}${part(k + 1)}`)];
    const body = k === 0 ? blocks : blocks.slice(1);
    return { text: `${escapeSlack(subject)}${part(k + 1)}`, blocks: [...head, ...body] };
  });
}
