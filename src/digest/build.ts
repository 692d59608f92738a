/**
 * `buildDigest`: pending matches of one subscription's window -> one `Digest` value. Pure.
 *
 * Order of work: items are joined into stories (two items are one story when they share an article
 * id or a URL, directly or through their clusters' article lists); for each rule, in the order of
 * `input.rules`, the stories with an item matching it become one entry, whose main article is the
 * earliest-published matching copy (the original report) and whose `alsoReportedBy` lists every
 * other copy of the story; entries are sorted newest first (ties by article id, so the result does not
 * depend on input order). A rule absent from `input.rules` gets a group after the named ones, by id.
 * Rules with no entries get no group. A match for an unknown source or rule uses its id as the name.
 * A URL that is not absolute http(s) becomes null, so no renderer can link it.
 */
import { parseHttpUrl } from '../http-protocol.js';
import type { Article, RuleMatch } from '../types.js';
import type { AlsoReportedBy, Digest, DigestEntry, DigestGroup, DigestKind, DigestWindow, Snippet } from './model.js';
import { DIGEST_VERSION, makeDigestId } from './model.js';
import { cutSnippet, mergeSpans, scoreSnippet } from './snippet.js';

export interface ClusterMember {
  readonly sourceId: string;
  readonly url: string | null;
  readonly title: string;
}

export interface DigestItem {
  readonly article: Article;
  readonly matches: readonly RuleMatch[];
  readonly cluster?: { readonly articles: readonly ClusterMember[] };
}

export interface DigestInput {
  readonly subscription: { readonly id: string; readonly name?: string | undefined };
  readonly window: DigestWindow;
  readonly timeZone: string;
  /** Rule ids and names, in the order the groups should appear. */
  readonly rules: readonly { readonly id: string; readonly name: string }[];
  /** Source id -> outlet name. */
  readonly sources: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  readonly items: readonly DigestItem[];
  readonly kind?: DigestKind;
}

/**
 * Returns the URL when it is absolute http(s), else null; without userinfo, which is only ever a
 * disguise in an article link (`https://belta.by@evil.test/` goes to evil.test): every renderer
 * takes its links from here, so none can show a trusted host in front of the real one.
 */
export function toSafeUrl(raw: string | null | undefined): string | null {
  const url = raw ? parseHttpUrl(raw) : null;
  if (!url) return null;
  url.username = '';
  url.password = '';
  return url.href;
}

function lookup(names: DigestInput['sources'], id: string): string {
  const name: string | undefined = names instanceof Map ? (names as ReadonlyMap<string, string>).get(id) : (names as Readonly<Record<string, string>>)[id];
  return typeof name === 'string' && name.length > 0 ? name : id;
}

/** Groups item indexes into stories with a small union-find over article ids and URLs. */
function joinStories(items: readonly DigestItem[]): number[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    const keys = [`id:${item.article.id}`, ...[item.article.url, ...(item.cluster?.articles ?? []).map((a) => a.url)].filter((u): u is string => !!u).map((u) => `url:${u}`)];
    for (const key of keys) {
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const stories = new Map<number, number[]>();
  items.forEach((_, i) => {
    const root = find(i);
    const story = stories.get(root);
    if (story) story.push(i);
    else stories.set(root, [i]);
  });
  return [...stories.values()];
}

const byPublished = (a: Article, b: Article): number => a.published.localeCompare(b.published) || a.id.localeCompare(b.id);

function pickSnippet(article: Article, match: RuleMatch): Snippet {
  const fields = ['summary', 'content'] as const;
  let best: { field: (typeof fields)[number]; score: number } | undefined;
  for (const field of fields) {
    const score = scoreSnippet(match.highlights[field] ?? [], article[field].length);
    if (score > 0 && (!best || score > best.score)) best = { field, score };
  }
  if (best) return cutSnippet(article[best.field], match.highlights[best.field] ?? []);
  const body = article.summary.trim() ? article.summary : article.content;
  return cutSnippet(body, []);
}

function buildEntry(items: readonly DigestItem[], story: readonly number[], ruleId: string, sourceName: (id: string) => string): DigestEntry | undefined {
  const matching = story.filter((i) => items[i]!.matches.some((m) => m.ruleId === ruleId)).map((i) => items[i]!);
  const main = matching.sort((a, b) => byPublished(a.article, b.article))[0];
  if (!main) return undefined;
  const match = main.matches.find((m) => m.ruleId === ruleId)!;
  const a = main.article;
  const seen = new Set<string>([`${a.sourceId} ${a.url ?? a.id}`]);
  const also: AlsoReportedBy[] = [];
  const copies = story.flatMap((i) => [{ ...items[i]!.article, key: items[i]!.article.id }, ...(items[i]!.cluster?.articles ?? []).map((c) => ({ ...c, key: c.title }))]);
  for (const c of copies) {
    const key = `${c.sourceId} ${c.url ?? c.key}`;
    if (seen.has(key) || (c.url !== null && c.url === a.url)) continue;
    seen.add(key);
    also.push({ outlet: { sourceId: c.sourceId, name: sourceName(c.sourceId) }, url: toSafeUrl(c.url), title: c.title });
  }
  also.sort((x, y) => x.outlet.name.localeCompare(y.outlet.name) || (x.url ?? '').localeCompare(y.url ?? ''));
  return {
    articleId: a.id,
    title: a.title,
    titleHighlights: mergeSpans(match.highlights.title ?? [], a.title.length),
    url: toSafeUrl(a.url),
    outlet: { sourceId: a.sourceId, name: sourceName(a.sourceId) },
    published: a.published,
    publishedEstimated: a.publishedEstimated,
    snippet: pickSnippet(a, match),
    terms: [...new Set(match.terms)],
    alsoReportedBy: also,
  };
}

export function buildDigest(input: DigestInput): Digest {
  const kind = input.kind ?? 'digest';
  const sourceName = (id: string): string => lookup(input.sources, id);
  const stories = joinStories(input.items);
  const named = new Map(input.rules.map((r) => [r.id, r.name]));
  // per rule, the stories one of whose items it matched (a rule visits only its own stories)
  const storiesOf = new Map<string, number[]>();
  stories.forEach((story, s) => {
    const rules = new Set<string>();
    for (const i of story) for (const m of input.items[i]!.matches) rules.add(m.ruleId);
    for (const ruleId of rules) {
      const list = storiesOf.get(ruleId);
      if (list) list.push(s);
      else storiesOf.set(ruleId, [s]);
    }
  });
  const order = [...input.rules.map((r) => r.id).filter((id) => storiesOf.has(id)), ...[...storiesOf.keys()].filter((id) => !named.has(id)).sort()];
  const groups: DigestGroup[] = [];
  const counted = new Set<number>();
  for (const ruleId of order) {
    const entries: DigestEntry[] = [];
    for (const s of storiesOf.get(ruleId) ?? []) {
      const entry = buildEntry(input.items, stories[s]!, ruleId, sourceName);
      if (!entry) continue;
      entries.push(entry);
      counted.add(s);
    }
    entries.sort((x, y) => y.published.localeCompare(x.published) || x.articleId.localeCompare(y.articleId));
    groups.push({ ruleId, ruleName: named.get(ruleId) ?? ruleId, entries });
  }
  const window = { start: new Date(input.window.start).toISOString(), end: new Date(input.window.end).toISOString() };
  return {
    version: DIGEST_VERSION,
    kind,
    id: makeDigestId(input.subscription.id, window.end, kind),
    subscription: { id: input.subscription.id, name: input.subscription.name ?? input.subscription.id },
    window,
    timeZone: input.timeZone,
    total: counted.size,
    counts: groups.map((g) => ({ ruleId: g.ruleId, ruleName: g.ruleName, count: g.entries.length })),
    groups,
  };
}
