/** Article values for tests: every field filled, overridable. */
import type { Article } from '../../src/types.js';

export function makeArticle(id: string, fields: Partial<Article> = {}): Article {
  return {
    id,
    sourceId: 'edm',
    url: `https://example.org/${id}`,
    guid: null,
    title: `Title ${id}`,
    summary: '',
    content: '',
    author: null,
    categories: [],
    published: '2026-11-27T08:00:00.000Z',
    publishedEstimated: false,
    fetchedAt: '2026-11-27T08:00:00.000Z',
    lang: 'en',
    ...fields,
  };
}
