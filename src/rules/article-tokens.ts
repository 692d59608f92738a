/**
 * Where the tokens that matter to a rule set occur in the article being matched: per token entry
 * (see `token-index.ts`) the fields it occurs in and its positions, per wildcard pattern the
 * entries it matched, all in typed arrays owned by the rule set and reused from article to article.
 *
 * Nothing is cleared between articles: every per-entry and per-pattern slot carries the epoch of
 * the article that last wrote it, and a slot with an older epoch reads as absent. An entry's epoch
 * and its fields share one integer (`epoch * 16 + fields`), next to its list heads, so presence in
 * given fields is one read. Positions are linked lists through one occurrence array (`packed`
 * positions, in the order they were recorded), turned into arrays only when verification asks for
 * them, so an article costs no allocation per token. Reads are valid until the next article
 * starts (`begin`). Per rule, the epoch it last became a candidate in (`select`) lives here too,
 * so the wrap-around that resets the entry and pattern slots resets it as well: a stale stamp
 * equal to the restarted epoch would drop a rule from its article's candidates.
 */
import type { AnalyzedArticle, EvalContext, TokenTest } from './types.js';
import type { PatternTable } from './wildcard.js';

const END = -1;
const ALL_FIELDS = 0b1111;
/** Epochs stay below this, so `epoch * 16 + fields` is a positive 32-bit integer. */
const EPOCH_LIMIT = 2 ** 27;
/** Integers per entry: `epoch * 16 + fields`, first occurrence, last occurrence (and padding). */
const ENTRY = 4;
/** Integers per pattern: epoch, first link, last link (and padding). */
const PATTERN = 4;

function grown(a: Int32Array, n: number): Int32Array {
  const next = new Int32Array(n);
  next.set(a);
  return next;
}

export class ArticleTokens {
  private epoch = 0;
  /** `epoch * 16`, the base every entry recorded in the current article has. */
  private stateBase = 0;
  private entries: Int32Array = new Int32Array(16 * ENTRY);
  /** Per occurrence: packed position, next occurrence of the same entry. */
  private occurrences: Int32Array = new Int32Array(128);
  private occurrenceCount = 0;
  private readonly patterns: Int32Array;
  /** Per link: entry, next link of the same pattern. */
  private links: Int32Array = new Int32Array(128);
  private linkCount = 0;

  /** Per rule: the epoch it was last selected in. */
  private readonly ruleStamps: Uint32Array;

  /** `epochLimit` is for tests (the wrap-around); epochs restart at 1 when it is reached. */
  constructor(
    patternCount: number,
    ruleCount: number,
    private readonly epochLimit = EPOCH_LIMIT,
  ) {
    this.patterns = new Int32Array(patternCount * PATTERN);
    this.ruleStamps = new Uint32Array(ruleCount);
  }

  /**
   * Starts a new article: at most `entries` entry ids and `tokens` occurrences will be recorded.
   * On wrap-around every stamp is reset.
   */
  begin(entries: number, tokens: number): void {
    if (entries * ENTRY > this.entries.length) this.entries = grown(this.entries, Math.max(entries * ENTRY, this.entries.length * 2));
    if (tokens * 2 > this.occurrences.length) this.occurrences = new Int32Array(Math.max(tokens * 2, this.occurrences.length * 2));
    this.occurrenceCount = 0;
    this.linkCount = 0;
    if (++this.epoch >= this.epochLimit) {
      this.entries.fill(0);
      this.patterns.fill(0);
      this.ruleStamps.fill(0);
      this.epoch = 1;
    }
    this.stateBase = this.epoch * 16;
  }

  /** Marks rule `rule` a candidate of the current article; true the first time in this article. */
  select(rule: number): boolean {
    if (this.ruleStamps[rule] === this.epoch) return false;
    this.ruleStamps[rule] = this.epoch;
    return true;
  }

  /** Records an occurrence of `entry` in field `field`; true when it is the entry's first in this article. */
  add(entry: number, field: number, packed: number): boolean {
    const { entries, occurrences } = this;
    const at = this.occurrenceCount++;
    occurrences[2 * at] = packed;
    occurrences[2 * at + 1] = END;
    const e = entry * ENTRY;
    const state = entries[e] ?? 0;
    if (state - (state & 15) === this.stateBase) {
      occurrences[2 * (entries[e + 2] ?? 0) + 1] = at;
      entries[e] = state | (1 << field);
      entries[e + 2] = at;
      return false;
    }
    entries[e] = this.stateBase | (1 << field);
    entries[e + 1] = at;
    entries[e + 2] = at;
    return true;
  }

  /** Marks `entry` (a `source:`/`lang:` key) present in every field, with no positions. */
  mark(entry: number): void {
    this.entries[entry * ENTRY] = this.stateBase | ALL_FIELDS;
    this.entries[entry * ENTRY + 1] = END;
  }

  /** Records that pattern `pattern` matches the token of `entry` (called once per entry and article). */
  link(pattern: number, entry: number): void {
    if (2 * this.linkCount === this.links.length) this.links = grown(this.links, this.links.length * 2);
    const { links, patterns } = this;
    const at = this.linkCount++;
    links[2 * at] = entry;
    links[2 * at + 1] = END;
    const p = pattern * PATTERN;
    if (patterns[p] === this.epoch) {
      links[2 * (patterns[p + 2] ?? 0) + 1] = at;
    } else {
      patterns[p] = this.epoch;
      patterns[p + 1] = at;
    }
    patterns[p + 2] = at;
  }

  /** The fields `entry` occurs in, in the current article (0: it does not). */
  fieldsOf(entry: number): number {
    const state = this.entries[entry * ENTRY] ?? 0;
    return state - (state & 15) === this.stateBase ? state & 15 : 0;
  }

  positionsOf(entry: number): number[] | undefined {
    if (this.fieldsOf(entry) === 0) return undefined;
    const out: number[] = [];
    const { occurrences } = this;
    for (let at = this.entries[entry * ENTRY + 1] ?? END; at !== END; at = occurrences[2 * at + 1] ?? END) out.push(occurrences[2 * at] ?? 0);
    return out;
  }

  /** The first link of `pattern` in the current article, or `END`. */
  private firstLink(pattern: number): number {
    return this.patterns[pattern * PATTERN] === this.epoch ? (this.patterns[pattern * PATTERN + 1] ?? END) : END;
  }

  /** Calls `found` with each entry pattern `pattern` matched, in the order of their first occurrence. */
  forEachLinked(pattern: number, found: (entry: number) => void): void {
    for (let at = this.firstLink(pattern); at !== END; at = this.links[2 * at + 1] ?? END) found(this.links[2 * at] ?? 0);
  }

  /** The fields some token pattern `pattern` matched occurs in (0 when it matched none). */
  patternFields(pattern: number): number {
    let fields = 0;
    for (let at = this.firstLink(pattern); at !== END; at = this.links[2 * at + 1] ?? END) fields |= this.fieldsOf(this.links[2 * at] ?? 0);
    return fields;
  }
}

/** The evaluation context over the article whose tokens `tokens` holds now. */
export class ArticleContext implements EvalContext {
  constructor(
    readonly article: AnalyzedArticle,
    readonly patterns: PatternTable,
    private readonly tokens: ArticleTokens,
  ) {}

  exact(test: Extract<TokenTest, { exact: string }>): readonly number[] | undefined {
    return this.tokens.positionsOf(test.term);
  }

  exactFields(test: Extract<TokenTest, { exact: string }>): number {
    return this.tokens.fieldsOf(test.term);
  }

  matching(id: number): readonly (readonly number[])[] {
    const lists: number[][] = [];
    this.tokens.forEachLinked(id, (entry) => lists.push(this.tokens.positionsOf(entry) ?? []));
    return lists;
  }

  matchingFields(id: number): number {
    return this.tokens.patternFields(id);
  }
}
