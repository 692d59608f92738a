/**
 * The presearcher: which rules an article may match, in one pass over its tokens.
 *
 * Order: analyse the article's four text fields; walk every token once through the index (exact
 * tokens by hash lookup, wildcards through the pattern tries, both memoised per distinct token for
 * the life of the rule set) to collect the rules whose anchors occur, plus the rules anchored on
 * the article's `source:` and `lang:` keys, recording the positions of the tokens some rule tests
 * (the others cannot affect any rule); finally drop every candidate one of whose other required
 * sets has no member in the article (Luwak's multipass idea, see `anchors.ts`).
 *
 * State: per rule set, the memo and scratch arrays stamped with an article epoch, so nothing is
 * cleared between articles. The returned context reads that scratch space: it is valid until the
 * next `presearch` on the same rule set (matching is synchronous, nothing interleaves).
 */
import type { Article } from '../types.js';
import { analyzeText, type AnalyzedText } from './analyze.js';
import type { CompiledRuleSet } from './compile.js';
import { FIELD_STRIDE, type EvalContext } from './evaluate.js';

export type MatchableArticle = Pick<Article, 'title' | 'summary' | 'content' | 'author' | 'sourceId' | 'lang'>;

export function analyzeFields(article: MatchableArticle): AnalyzedText[] {
  return [article.title, article.summary, article.content, article.author ?? ''].map((t) => analyzeText(t));
}

/** The presearch keys of an article's source and language (`lang:be-latn` also yields `lang:be`). */
function metaKeys(article: MatchableArticle): string[] {
  const keys = [`source:${article.sourceId.toLowerCase()}`];
  const parts = (article.lang ?? '').toLowerCase().split('-');
  for (let i = 1; i <= parts.length && parts[0] !== ''; i++) keys.push(`lang:${parts.slice(0, i).join('-')}`);
  return keys;
}

/**
 * What one distinct token selects: rules anchored on it or on a pattern it matches, and those
 * patterns, and the id under which its positions in the current article are kept (a rule term's
 * id is the one its rules carry, so verification reads them without a hash lookup).
 */
interface TokenHits {
  readonly rules: readonly number[];
  readonly patterns: readonly number[];
  /** The rule set's term id, or an id past them for a token only patterns match. */
  readonly id: number;
}

/**
 * Per rule set: the token memo; in front of it a direct-mapped cache indexed by a hash computed
 * here (for fresh token strings this is several times cheaper than the engine hashing them for a
 * Map lookup, and news vocabulary is so skewed that most tokens hit it); and an epoch-stamped
 * array that dedupes candidates without a Set.
 */
interface PresearchState {
  readonly memo: Map<string, TokenHits | null>;
  readonly cacheKeys: (string | undefined)[];
  readonly cacheHits: (TokenHits | null)[];
  readonly stamp: Uint32Array;
  /** Per token id: the epoch it last occurred in, and its positions then. */
  readonly tokenEpoch: number[];
  readonly tokenPositions: number[][];
  /** Per pattern id: the epoch it last matched in, and the position lists of the tokens it matched. */
  readonly patternEpoch: Uint32Array;
  readonly patternLists: number[][][];
  epoch: number;
}

const CACHE_BITS = 14;
const CACHE_MASK = (1 << CACHE_BITS) - 1;

function cacheIndex(token: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> CACHE_BITS)) & CACHE_MASK;
}

const MEMO_LIMIT = 200_000;
const states = new WeakMap<CompiledRuleSet, PresearchState>();

function stateOf(set: CompiledRuleSet): PresearchState {
  let state = states.get(set);
  if (!state) {
    state = {
      memo: new Map(),
      cacheKeys: new Array<string | undefined>(CACHE_MASK + 1).fill(undefined),
      cacheHits: new Array<TokenHits | null>(CACHE_MASK + 1).fill(null),
      stamp: new Uint32Array(set.rules.length),
      tokenEpoch: new Array<number>(set.terms.size).fill(0),
      tokenPositions: Array.from({ length: set.terms.size }, () => []),
      patternEpoch: new Uint32Array(set.patterns.patterns.length),
      patternLists: set.patterns.patterns.map(() => []),
      epoch: 0,
    };
    states.set(set, state);
  }
  return state;
}

/** The hits of a token, or null when no rule can care about it (most tokens). */
function lookupToken(set: CompiledRuleSet, state: PresearchState, token: string): TokenHits | null {
  const patterns: number[] = [];
  set.patterns.forEachMatch(token, (id) => patterns.push(id));
  const rules = [...(set.byKey.get(token) ?? [])];
  for (const id of patterns) rules.push(...(set.byPattern.get(id) ?? []));
  let id = set.terms.get(token);
  if (patterns.length === 0 && rules.length === 0 && id === undefined) return null;
  if (id === undefined) {
    id = state.tokenEpoch.length;
    state.tokenEpoch.push(0);
    state.tokenPositions.push([]);
  }
  return { rules, patterns, id };
}

/** Whether every further required set of rule `r` has a member in the current article. */
function hasRequired(set: CompiledRuleSet, r: number, state: PresearchState): boolean {
  const { tokenEpoch, patternEpoch, epoch } = state;
  const req = set.required;
  let at = set.requiredStart[r] ?? 0;
  const count = req[at++] ?? 0;
  for (let k = 0; k < count; k++) {
    const length = req[at++] ?? 0;
    const end = at + length;
    let found = false;
    for (; at < end; at++) {
      const code = req[at] ?? 0;
      if (code >= 0 ? tokenEpoch[code] === epoch : patternEpoch[-code - 1] === epoch) {
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
  // Cleared only between articles: the positions of the article being matched live in the memo.
  if (state.memo.size >= MEMO_LIMIT) {
    state.memo.clear();
    state.cacheKeys.fill(undefined);
    state.tokenEpoch.length = set.terms.size;
    state.tokenPositions.length = set.terms.size;
  }
  if (++state.epoch === 0xffffffff) {
    state.stamp.fill(0);
    state.patternEpoch.fill(0);
    state.tokenEpoch.fill(0);
    state.epoch = 1;
  }
  const { memo, cacheKeys, cacheHits, stamp, tokenEpoch, tokenPositions, patternEpoch, patternLists, epoch } = state;
  const candidates: number[] = [];
  for (let f = 0; f < fields.length; f++) {
    const terms = fields[f]?.terms ?? [];
    const base = f * FIELD_STRIDE;
    for (let p = 0; p < terms.length; p++) {
      const token = terms[p] ?? '';
      const slotIndex = cacheIndex(token);
      let hits: TokenHits | null | undefined;
      if (cacheKeys[slotIndex] === token) {
        hits = cacheHits[slotIndex] ?? null;
      } else {
        hits = memo.get(token);
        if (hits === undefined) {
          hits = lookupToken(set, state, token);
          memo.set(token, hits);
        }
        cacheKeys[slotIndex] = token;
        cacheHits[slotIndex] = hits;
      }
      if (hits === null) continue;
      const tokenId = hits.id;
      if (tokenEpoch[tokenId] === epoch) {
        tokenPositions[tokenId]?.push(base + p);
        continue;
      }
      tokenEpoch[tokenId] = epoch;
      const positions = [base + p];
      tokenPositions[tokenId] = positions;
      for (const r of hits.rules) {
        if (stamp[r] !== epoch) {
          stamp[r] = epoch;
          candidates.push(r);
        }
      }
      for (const id of hits.patterns) {
        if (patternEpoch[id] === epoch) {
          patternLists[id]?.push(positions);
        } else {
          patternEpoch[id] = epoch;
          patternLists[id] = [positions];
        }
      }
    }
  }
  for (const key of metaKeys(article)) {
    for (const r of set.byKey.get(key) ?? []) {
      if (stamp[r] !== epoch) {
        stamp[r] = epoch;
        candidates.push(r);
      }
    }
  }
  const ctx: EvalContext = {
    article: { fields, sourceId: article.sourceId, lang: article.lang },
    patterns: set.patterns,
    exact: (test) => (tokenEpoch[test.term] === epoch ? tokenPositions[test.term] : undefined),
    matching: (id) => (patternEpoch[id] === epoch ? (patternLists[id] ?? []) : []),
  };
  return { ctx, candidates: candidates.filter((r) => hasRequired(set, r, state)) };
}

