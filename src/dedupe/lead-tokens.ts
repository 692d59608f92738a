/**
 * The input of a story's near-duplicate signature (`minhash.ts`): the analysed tokens of the
 * title and of the body's lead (its first `LEAD_TOKENS` tokens; the summary when there is no
 * content). Analysis is the rules' (`rules/analyze.ts`), so two copies that differ only in case,
 * accents or punctuation sign alike. See tests/dedupe for the threshold this was tuned with.
 */
import { analyzeText } from '../rules/analyze.js';
import type { Article } from '../types.js';

/** Tokens of the body's lead that take part in a story's signature. */
export const LEAD_TOKENS = 40;

export function leadTokens(article: Article): readonly string[] {
  const title = analyzeText(article.title).terms;
  const body = analyzeText(article.content || article.summary).terms.slice(0, LEAD_TOKENS);
  return [...title, ...body];
}
