/**
 * Main text of an article page for `fullText: true` sources (pure; Mozilla Readability on a
 * linkedom document, the algorithm behind Firefox Reader View). Returns the extracted plain text
 * with whitespace collapsed, or null when Readability finds no article, finds fewer than
 * `MIN_CHARS` characters (a menu is not an article body), or throws on odd markup.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

const MIN_CHARS = 200;

export function extractFullText(html: string): string | null {
  try {
    // linkedom's bundled types do not resolve under NodeNext; its window is a DOM for Readability's purposes.
    const window = (parseHTML as (html: string) => { document: unknown })(html);
    const article = new Readability(window.document as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
    const text = article?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    return text.length < MIN_CHARS ? null : text;
  } catch {
    return null;
  }
}
