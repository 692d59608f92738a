/**
 * Plain-text rendering of a digest (the text/plain part of the email, `belwatch digest --dry-run`).
 *
 * Layout: a header (subscription, count, counts per theme), one section per theme with its entries
 * newest first, and a footer naming the subscription and window. Matched terms are wrapped in `*…*`.
 * Feed text is cleaned (`cleanText`); a title or outlet name cannot break the layout because every
 * one-line field has its newlines folded. Links are printed only when they are http(s).
 */
import type { Digest, DigestEntry } from './model.js';
import { cleanLine, foldSpaces, formatDateTime, formatWindow, markHighlights, renderSubject } from './format.js';

const star = (s: string): string => `*${s}*`;
const oneLine = foldSpaces;

function renderEntry(e: DigestEntry, timeZone: string): string[] {
  const lines = [`- ${oneLine(markHighlights(e.title, e.titleHighlights, (s) => s, star)).trim()}`];
  const when = `${formatDateTime(e.published, timeZone)}${e.publishedEstimated ? ' (date estimated)' : ''}`;
  lines.push(`  ${cleanLine(e.outlet.name)} · ${when}`);
  if (e.url) lines.push(`  ${e.url}`);
  if (e.snippet.text) {
    const body = oneLine(markHighlights(e.snippet.text, e.snippet.highlights, (s) => s, star));
    lines.push(`  ${e.snippet.cutStart ? '…' : ''}${body}${e.snippet.cutEnd ? '…' : ''}`);
  }
  if (e.alsoReportedBy.length > 0) {
    const also = e.alsoReportedBy.map((a) => (a.url ? `${cleanLine(a.outlet.name)} <${a.url}>` : cleanLine(a.outlet.name)));
    lines.push(`  Also reported by: ${also.join(', ')}`);
  }
  return lines;
}

export function renderDigestText(digest: Digest): string {
  const out: string[] = [renderSubject(digest), ''];
  if (digest.total === 0) {
    out.push(`Nothing new matched your watch rules in this window.`);
  } else {
    out.push(digest.counts.map((c) => `${cleanLine(c.ruleName)}: ${c.count}`).join(' · '));
    for (const g of digest.groups) {
      out.push('', `== ${cleanLine(g.ruleName)} (${g.entries.length}) ==`, '');
      for (const e of g.entries) out.push(...renderEntry(e, digest.timeZone), '');
    }
  }
  out.push('', '-- ', `Subscription: ${cleanLine(digest.subscription.name)} (${digest.subscription.id})`, `Window: ${formatWindow(digest)}`, `Digest id: ${digest.id}`);
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
