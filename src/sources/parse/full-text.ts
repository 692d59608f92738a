/**
 * Main text of an article page for `fullText: true` sources (pure; Mozilla Readability on a
 * linkedom document, the algorithm behind Firefox Reader View). Returns the extracted plain text
 * with whitespace collapsed, or null when Readability finds no article (or throws on odd markup).
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

export function extractFullText(html: string): string | null {
  try {
    // linkedom's bundled types do not resolve under NodeNext; its window is a DOM for Readability's purposes.
    const window = (parseHTML as (html: string) => { document: unknown })(html);
    const article = new Readability(window.document as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
    const text = article?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    return text === '' ? null : text;
  } catch {
    return null;
  }
}
