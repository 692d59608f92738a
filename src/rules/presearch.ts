/**
 * The presearcher: which rules an article may match, in one pass over its tokens.
 *
 * Order: analyse the article's four text fields; walk every token once: a Bloom-style filter
 * (`token-filter.ts`) drops the tokens no rule can care about, the others are looked up in the
 * rule set's token index (`token-index.ts`: exact terms and wildcard patterns, memoised per
 * distinct token for the life of the rule set); a token's first occurrence in the article selects
 * the rules anchored on it or on a pattern it matches, and every occurrence is recorded
 * (`article-tokens.ts`) for verification. Then the rules anchored on the article's `source:` and
 * `lang:` keys join; finally every candidate one of whose other required sets has no member in
 * the article is dropped (Luwak's multipass idea, see `anchors.ts`).
 *
 * State: per rule set, the index, the filter and the per-article arrays, stamped with an article
 * epoch so nothing is cleared between articles. The returned context reads those arrays: it is
 * valid until the next `presearch` on the same rule set (matching is synchronous, nothing
 * interleaves).
 */
import type { Article } from '../types.js';
import { analyzeText, type AnalyzedText } from './analyze.js';
import { metaKey } from './anchors.js';
import { ArticleContext, ArticleTokens } from './article-tokens.js';
import { FIELD_STRIDE } from './evaluate.js';
import type { CompiledRuleSet, EvalContext } from './types.js';
import { hashToken, TokenFilter } from './token-filter.js';
import { NO_ENTRY, TokenIndex } from './token-index.js';

export type MatchableArticle = Pick<Article, 'title' | 'summary' | 'content' | 'author' | 'sourceId' | 'lang'>;

export function analyzeFields(article: MatchableArticle): AnalyzedText[] {
  return [article.title, article.summary, article.content, article.author ?? ''].map((t) => analyzeText(t));
}

/** The presearch keys of an article's source and language (`lang:be-latn` also yields `lang:be`). */
function metaKeys(article: MatchableArticle): string[] {
  const keys = [metaKey('source', article.sourceId.toLowerCase())];
  const parts = (article.lang ?? '').toLowerCase().split('-');
  for (let i = 1; i <= parts.length && parts[0] !== ''; i++) keys.push(metaKey('lang', parts.slice(0, i).join('-')));
  return keys;
}

interface PresearchState {
  index: TokenIndex;
  readonly filter: TokenFilter;
  readonly tokens: ArticleTokens;
  /** The current article's candidates before the required-set checks (each rule at most once), as (rule, code, fields) of a `TokenIndex` record. */
  readonly selected: Int32Array;
}

const states = new WeakMap<CompiledRuleSet, PresearchState>();

function stateOf(set: CompiledRuleSet): PresearchState {
  let state = states.get(set);
  if (!state) {
    state = {
      index: new TokenIndex(set),
      filter: new TokenFilter(set.terms.keys(), set.patterns),
      tokens: new ArticleTokens(set.patterns.patterns.length, set.rules.length),
      selected: new Int32Array(3 * set.rules.length),
    };
    states.set(set, state);
  }
  return state;
}

/** The fields a required code (a term id, or a pattern as -(id + 1)) occurs in, in the current article. */
function fieldsOfCode(code: number, tokens: ArticleTokens): number {
  return code >= 0 ? tokens.fieldsOf(code) : tokens.patternFields(-code - 1);
}

/**
 * Builds the presearch state of a rule set ahead of its first article, so the exact terms' token
 * records are computed once, with the rule set, rather than while articles wait.
 */
export function preparePresearch(set: CompiledRuleSet): void {
  stateOf(set);
}

/** Whether every further required set of rule `r` has a member in the current article, in one of its fields. */
function hasRequired(set: CompiledRuleSet, r: number, tokens: ArticleTokens): boolean {
  const req = set.required;
  let at = set.requiredStart[r] ?? 0;
  const count = req[at++] ?? 0;
  for (let k = 0; k < count; k++) {
    const end = at + 2 * (req[at] ?? 0) + 1;
    let found = false;
    for (at++; at < end; at += 2) {
      const code = req[at] ?? 0;
      const fields = req[at + 1] ?? 0;
      if (fieldsOfCode(code, tokens) & fields) {
        found = true;
        break;
      }
    }
    if (!found) return false;
    at = end;
  }
  return true;
}

/** The rules (indexes into `set.rules`, in no particular order) that may match `article`, and the context to verify them in. */
export function presearch(set: CompiledRuleSet, article: MatchableArticle): { ctx: EvalContext; candidates: number[] } {
  const fields = analyzeFields(article);
  const state = stateOf(set);
  // Replaced only between articles: the current article's entries live in the index.
  if (state.index.full) state.index = new TokenIndex(set);
  const { index, filter, tokens, selected } = state;
  let total = 0;
  for (const field of fields) total += field.terms.length;
  tokens.begin(index.entryCount + total, total);
  let count = 0;
  for (let f = 0; f < fields.length; f++) {
    const terms = fields[f]?.terms ?? [];
    const base = f * FIELD_STRIDE;
    for (let p = 0; p < terms.length; p++) {
      const token = terms[p] ?? '';
      const hash = hashToken(token);
      if (!filter.admits(token, hash)) continue;
      const at = index.lookup(token, hash);
      const data = index.records;
      const entry = data[at] ?? NO_ENTRY;
      if (entry === NO_ENTRY || !tokens.add(entry, f, base + p)) continue;
      const rules = at + 2 + (data[at + 1] ?? 0);
      const patterns = rules + 1 + 3 * (data[rules] ?? 0);
      for (let i = rules + 1; i < patterns; i += 3) {
        const r = data[i] ?? 0;
        if (tokens.select(r)) {
          selected[count++] = r;
          selected[count++] = data[i + 1] ?? 0;
          selected[count++] = data[i + 2] ?? 0;
        }
      }
      for (let i = patterns + 1, end = i + (data[patterns] ?? 0); i < end; i++) tokens.link(data[i] ?? 0, entry);
    }
  }
  for (const key of metaKeys(article)) {
    const term = set.terms.get(key);
    if (term !== undefined) tokens.mark(term);
    for (const r of set.byKey.get(key) ?? []) {
      if (tokens.select(r)) {
        selected[count++] = r;
        selected[count++] = 0;
        selected[count++] = 0;
      }
    }
  }
  const ctx = new ArticleContext({ fields, sourceId: article.sourceId, lang: article.lang }, set.patterns, tokens);
  const candidates: number[] = [];
  for (let k = 0; k < count; k += 3) {
    const r = selected[k] ?? 0;
    const fields = selected[k + 2] ?? 0;
    if (fields !== 0 && (fieldsOfCode(selected[k + 1] ?? 0, tokens) & fields) === 0) continue;
    if (hasRequired(set, r, tokens)) candidates.push(r);
  }
  return { ctx, candidates };
}
