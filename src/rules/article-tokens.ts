/**
 * Where the tokens that matter to a rule set occur in the article being matched: per token entry
 * (see `token-index.ts`) the fields it occurs in and its positions, per wildcard pattern the
 * entries it matched, all in typed arrays owned by the rule set and reused from article to article.
 *
 * Nothing is cleared between articles: every per-entry and per-pattern slot carries the epoch of
 * the article that last wrote it, and a slot with an older epoch reads as absent. An entry's epoch
 * and its fields share one integer (`epoch * 16 + fields`), so presence in given fields is one read. Positions are
 * linked lists through one occurrence array (`packed` positions, in the order they were recorded),
 * turned into arrays only when verification asks for them, so an article costs no allocation per
 * token. Reads are valid until the next article starts (`begin`).
 */
import type { AnalyzedArticle, EvalContext } from './evaluate.js';
import type { TokenTest } from './compile.js';
import type { PatternTable } from './wildcard.js';

const END = -1;
const ALL_FIELDS = 0b1111;
/** Epochs stay below this, so `epoch * 16 + fields` fits an unsigned 32-bit integer. */
const EPOCH_LIMIT = 2 ** 28;

function grownU32(a: Uint32Array, n: number): Uint32Array {
  const next = new Uint32Array(n);
  next.set(a);
  return next;
}

function grownI32(a: Int32Array, n: number): Int32Array {
  const next = new Int32Array(n);
  next.set(a);
  return next;
}

export class ArticleTokens {
  private epoch = 0;
  /** Per entry: `epoch * 16 + fields` of the article that last recorded it. */
  private entryState: Uint32Array = new Uint32Array(16);
  /** `epoch * 16`, the base every entry recorded in the current article has. */
  private stateBase = 0;
  private entryHead = new Int32Array(16);
  private entryTail = new Int32Array(16);
  private occPacked = new Int32Array(64);
  private occNext = new Int32Array(64);
  private occCount = 0;
  private readonly patternEpoch: Uint32Array;
  private readonly patternHead: Int32Array;
  private readonly patternTail: Int32Array;
  private linkEntry: Int32Array = new Int32Array(64);
  private linkNext: Int32Array = new Int32Array(64);
  private linkCount = 0;

  constructor(patternCount: number) {
    this.patternEpoch = new Uint32Array(patternCount);
    this.patternHead = new Int32Array(patternCount);
    this.patternTail = new Int32Array(patternCount);
  }

  /**
   * Starts a new article: at most `entries` entry ids and `tokens` occurrences will be recorded.
   * Returns the new epoch; on wrap-around every stamp is reset.
   */
  begin(entries: number, tokens: number): number {
    if (entries > this.entryState.length) {
      const n = Math.max(entries, this.entryState.length * 2);
      this.entryState = grownU32(this.entryState, n);
      this.entryHead = new Int32Array(n);
      this.entryTail = new Int32Array(n);
    }
    if (tokens > this.occPacked.length) {
      const n = Math.max(tokens, this.occPacked.length * 2);
      this.occPacked = new Int32Array(n);
      this.occNext = new Int32Array(n);
    }
    this.occCount = 0;
    this.linkCount = 0;
    if (++this.epoch === EPOCH_LIMIT) {
      this.entryState.fill(0);
      this.patternEpoch.fill(0);
      this.epoch = 1;
    }
    this.stateBase = this.epoch * 16;
    return this.epoch;
  }

  /** Records an occurrence of `entry` in field `field`; true when it is the entry's first in this article. */
  add(entry: number, field: number, packed: number): boolean {
    const at = this.occCount++;
    this.occPacked[at] = packed;
    this.occNext[at] = END;
    const state = this.entryState[entry] ?? 0;
    if (state - (state & 15) === this.stateBase) {
      this.occNext[this.entryTail[entry] ?? 0] = at;
      this.entryTail[entry] = at;
      this.entryState[entry] = state | (1 << field);
      return false;
    }
    this.entryState[entry] = this.stateBase | (1 << field);
    this.entryHead[entry] = at;
    this.entryTail[entry] = at;
    return true;
  }

  /** Marks `entry` (a `source:`/`lang:` key) present in every field, with no positions. */
  mark(entry: number): void {
    this.entryState[entry] = this.stateBase | ALL_FIELDS;
    this.entryHead[entry] = END;
  }

  /** Records that pattern `pattern` matches the token of `entry` (called once per entry and article). */
  link(pattern: number, entry: number): void {
    if (this.linkCount === this.linkEntry.length) {
      this.linkEntry = grownI32(this.linkEntry, this.linkCount * 2);
      this.linkNext = grownI32(this.linkNext, this.linkCount * 2);
    }
    const at = this.linkCount++;
    this.linkEntry[at] = entry;
    this.linkNext[at] = END;
    if (this.patternEpoch[pattern] === this.epoch) {
      this.linkNext[this.patternTail[pattern] ?? 0] = at;
    } else {
      this.patternEpoch[pattern] = this.epoch;
      this.patternHead[pattern] = at;
    }
    this.patternTail[pattern] = at;
  }

  /** The fields `entry` occurs in, in the current article (0: it does not). */
  fieldsOf(entry: number): number {
    const state = this.entryState[entry] ?? 0;
    return state - (state & 15) === this.stateBase ? state & 15 : 0;
  }

  positionsOf(entry: number): number[] | undefined {
    if (this.fieldsOf(entry) === 0) return undefined;
    const out: number[] = [];
    for (let at = this.entryHead[entry] ?? END; at !== END; at = this.occNext[at] ?? END) out.push(this.occPacked[at] ?? 0);
    return out;
  }

  /** Calls `found` with each entry pattern `pattern` matched, in the order of their first occurrence. */
  forEachLinked(pattern: number, found: (entry: number) => void): void {
    if (this.patternEpoch[pattern] !== this.epoch) return;
    for (let at = this.patternHead[pattern] ?? END; at !== END; at = this.linkNext[at] ?? END) found(this.linkEntry[at] ?? 0);
  }

  /** The fields some token pattern `pattern` matched occurs in (0 when it matched none). */
  patternFields(pattern: number): number {
    if (this.patternEpoch[pattern] !== this.epoch) return 0;
    let fields = 0;
    for (let at = this.patternHead[pattern] ?? END; at !== END; at = this.linkNext[at] ?? END) fields |= this.fieldsOf(this.linkEntry[at] ?? 0);
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
