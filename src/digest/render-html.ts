/**
 * Email HTML rendering of a digest.
 *
 * Built for mail clients, not browsers: nested tables for layout, every style inline (Gmail drops
 * `<style>` in many cases and Outlook's Word engine ignores most of CSS except on tables and spans),
 * system fonts, no images, no scripts. Every piece of feed text goes through `cleanText` and then
 * `escapeHtml` (all five of & < > " '), so a title like `<img src=x onerror=…>` prints as text. An
 * `href` is written only for an http(s) URL re-serialised by the URL parser; anything else
 * (`javascript:`, `data:`, relative) is rendered as plain text. Matched terms are `<strong>` with a
 * yellow background, which degrades to bold where backgrounds are stripped.
 */
import type { Digest, DigestEntry, DigestGroup } from './model.js';
import { cleanLine, foldSpaces, formatDateTime, formatDay, formatWindow, markHighlights, renderSubject } from './format.js';
import { toSafeUrl } from './build.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const MUTED = `${FONT}font-size:12px;line-height:18px;color:#6b7280;`;
const HIT = (s: string): string => `<strong style="background-color:#fff1a8;color:#111827;font-weight:bold;">${s}</strong>`;
const text = (s: string): string => escapeHtml(cleanLine(s));

function link(url: string | null, label: string, style: string): string {
  const safe = toSafeUrl(url);
  return safe ? `<a href="${escapeHtml(safe)}" style="${style}" target="_blank" rel="noopener noreferrer">${label}</a>` : label;
}

function renderEntry(e: DigestEntry, timeZone: string): string {
  const title = foldSpaces(markHighlights(e.title, e.titleHighlights, escapeHtml, HIT));
  const when = `${formatDateTime(e.published, timeZone)}${e.publishedEstimated ? ' (date estimated)' : ''}`;
  const snippet = e.snippet.text
    ? `<p style="margin:6px 0 0 0;${FONT}font-size:14px;line-height:21px;color:#374151;">${e.snippet.cutStart ? '…' : ''}${markHighlights(e.snippet.text, e.snippet.highlights, escapeHtml, HIT)}${e.snippet.cutEnd ? '…' : ''}</p>`
    : '';
  const also = e.alsoReportedBy.length
    ? `<p style="margin:6px 0 0 0;${MUTED}">Also reported by: ${e.alsoReportedBy.map((a) => link(a.url, text(a.outlet.name), 'color:#6b7280;text-decoration:underline;')).join(', ')}</p>`
    : '';
  return `<tr><td style="padding:12px 24px;border-top:1px solid #e5e7eb;">
<p style="margin:0;${FONT}font-size:16px;line-height:22px;font-weight:bold;">${link(e.url, title, 'color:#1d4ed8;text-decoration:none;')}</p>
<p style="margin:2px 0 0 0;${MUTED}">${text(e.outlet.name)} &middot; ${escapeHtml(when)}</p>
${snippet}${also}
</td></tr>`;
}

function renderGroup(g: DigestGroup, timeZone: string): string {
  return `<tr><td style="padding:20px 24px 8px 24px;${FONT}font-size:18px;line-height:24px;font-weight:bold;color:#111827;">${text(g.ruleName)} <span style="font-weight:normal;color:#6b7280;">(${g.entries.length})</span></td></tr>
${g.entries.map((e) => renderEntry(e, timeZone)).join('\n')}`;
}

function headline(digest: Digest): string {
  if (digest.total === 0) return 'Nothing new';
  const stories = `${digest.total} new ${digest.total === 1 ? 'story' : 'stories'}`;
  return digest.kind === 'alert' ? `Alert: ${stories}` : stories;
}

export function renderDigestHtml(digest: Digest): string {
  const subject = escapeHtml(renderSubject(digest));
  const counts = digest.counts.map((c) => `${text(c.ruleName)}&nbsp;<strong>${c.count}</strong>`).join(' &nbsp;&middot;&nbsp; ');
  const body =
    digest.total === 0
      ? `<tr><td style="padding:20px 24px;${FONT}font-size:15px;color:#374151;">Nothing new matched your watch rules in this window.</td></tr>`
      : digest.groups.map((g) => renderGroup(g, digest.timeZone)).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${subject}</title></head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;"><tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background-color:#ffffff;border:1px solid #e5e7eb;">
<tr><td style="padding:20px 24px 0 24px;${MUTED}">belwatch &middot; ${text(digest.subscription.name)} &middot; ${escapeHtml(formatDay(digest.window.end, digest.timeZone))}</td></tr>
<tr><td style="padding:2px 24px 4px 24px;${FONT}font-size:22px;line-height:28px;font-weight:bold;color:#111827;">${headline(digest)}</td></tr>
${counts ? `<tr><td style="padding:0 24px 12px 24px;${MUTED}">${counts}</td></tr>` : ''}
${body}
<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;${MUTED}">Subscription: ${text(digest.subscription.name)} (${escapeHtml(digest.subscription.id)})<br>Window: ${escapeHtml(formatWindow(digest))}<br>Sent by belwatch &middot; digest ${escapeHtml(digest.id)}</td></tr>
</table>
</td></tr></table>
</body></html>
`;
}
