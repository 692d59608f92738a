/**
 * rss-parser makes a plain-text `contentSnippet` of every item's content with two regular
 * expressions (`<(?:.|\n)*?>`) whose time grows with the square of the number of `<` not followed
 * by a `>`: 10,000 `&lt;p` in one description took 2.2 s, a 15 MiB body would take hours. Its
 * snippet helper is replaced, once, when this module loads, by `htmlToText` — linear, and the
 * plain text the normaliser wants anyway (`snippetToText` takes it as it is).
 */
import { createRequire } from 'node:module';
import { htmlToText } from '../normalise/text.js';

const require = createRequire(import.meta.url);
// rss-parser's parser calls `utils.getSnippet` through this same module object.
const utils = require('rss-parser/lib/utils.js') as { getSnippet: (html: string) => string };
utils.getSnippet = htmlToText;
