/**
 * `npm run bench:match`: the watch-rule matcher against (a) tokenising alone, the floor, and (b) a
 * naive loop that tests every rule on every article, all measured in this one run over 10,000
 * generated articles of about 3 KB, for 100, 1,000 and 10,000 generated rules.
 *
 * The naive loop is timed on a few articles of every batch only (it would take minutes on all of
 * them at 10,000 rules); its rate is per article, like the others, and on those articles its
 * matches are checked to be identical to the matcher's. Targets at 10,000 rules: matcher <= 3x tokenising,
 * >= 50x faster than naive, peak RSS <= 500 MB; 1,000 -> 10,000 rules far less than 10x.
 */
import { analyzeText } from '../src/rules/analyze.js';
import { compileRules } from '../src/rules/compile.js';
import { matchArticle, matchArticleNaive, type MatchableArticle } from '../src/rules/match.js';
import type { RuleMatch } from '../src/types.js';
import { buildAliases, buildArticle, buildRules, buildVocabulary, seededRandom } from './match-corpus.js';

const ARTICLES = Number(process.env['BENCH_ARTICLES'] ?? 10_000);
const RULE_COUNTS = [100, 1_000, 10_000];
const NAIVE_ARTICLES: Record<number, number> = { 100: 2_000, 1_000: 400, 10_000: 100 };

function rate(articles: number, ms: number): string {
  return `${Math.round((articles / ms) * 1000).toLocaleString('en-US')} articles/s`;
}

const rnd = seededRandom(20_260_401);
const vocab = buildVocabulary(rnd, 40_000);
const articles = Array.from({ length: ARTICLES }, (_, i) => buildArticle(rnd, vocab, i, 3_000));
const aliases = buildAliases(rnd, vocab, 200);
const bytes = articles.reduce((n, a) => n + Buffer.byteLength(a.title + a.summary + a.content), 0);
console.log(`${ARTICLES.toLocaleString('en-US')} articles, ${(bytes / 1e6).toFixed(1)} MB of text, vocabulary ${vocab.words.length.toLocaleString('en-US')} words`);

const tokenise = (batch: readonly MatchableArticle[]): void => {
  for (const a of batch) {
    analyzeText(a.title);
    analyzeText(a.summary);
    analyzeText(a.content);
    analyzeText(a.author ?? '');
  }
};

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const sets = RULE_COUNTS.map((count) => {
  const rules = buildRules(seededRandom(count), vocab, 200, count);
  let set = compileRules(rules, aliases);
  const compileMs = time(() => {
    set = compileRules(rules, aliases);
  });
  return { count, set, compileMs, matchMs: 0, matches: 0, naiveMs: 0, naiveArticles: 0 };
});

// Interleaved in batches, so a load spike on the machine hits every contender alike.
let tokeniseMs = 0;
const BATCH = 100;
for (let i = 0; i < ARTICLES; i += BATCH) {
  const batch = articles.slice(i, i + BATCH);
  tokeniseMs += time(() => tokenise(batch));
  for (const s of sets) {
    s.matchMs += time(() => {
      for (const a of batch) s.matches += matchArticle(s.set, a).length;
    });
    // The naive loop takes the first few articles of every batch, so its sample spans the run too.
    const naive = batch.slice(0, Math.ceil(((NAIVE_ARTICLES[s.count] ?? 0) * BATCH) / ARTICLES));
    let results: RuleMatch[][] = [];
    s.naiveMs += time(() => {
      results = naive.map((a) => matchArticleNaive(s.set, a));
    });
    s.naiveArticles += naive.length;
    naive.forEach((a, k) => {
      if (JSON.stringify(matchArticle(s.set, a)) !== JSON.stringify(results[k])) throw new Error(`matcher and naive loop disagree on ${a.id}`);
    });
  }
}

console.log(`tokenising alone: ${rate(ARTICLES, tokeniseMs)}`);
for (const s of sets) {
  const perArticle = s.matchMs / ARTICLES;
  const naivePerArticle = s.naiveMs / s.naiveArticles;
  console.log(
    `${s.count.toLocaleString('en-US').padStart(6)} rules: compiled in ${s.compileMs.toFixed(0)} ms; matcher ${rate(ARTICLES, s.matchMs)} = ` +
      `${(s.matchMs / tokeniseMs).toFixed(2)}x tokenising; naive loop ${rate(s.naiveArticles, s.naiveMs)} (on ${s.naiveArticles} articles) = ` +
      `matcher ${(naivePerArticle / perArticle).toFixed(0)}x faster; ${(s.matches / ARTICLES).toFixed(2)} matches/article`,
  );
}
const k1 = sets.find((s) => s.count === 1_000);
const k10 = sets.find((s) => s.count === 10_000);
if (k1 && k10) console.log(`1,000 -> 10,000 rules: matcher time x${(k10.matchMs / k1.matchMs).toFixed(2)}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
