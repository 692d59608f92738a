/**
 * The pieces shared by the two nesting bounds (`html-depth.ts` for pages, `xml-salvage.ts` for
 * feeds): reading one tag as the HTML and XML tokenizers read it, and the stack of open elements
 * (pure, linear).
 *
 * A tag runs from `<` to the first `>` outside a quoted attribute value: after `=` (and optional
 * whitespace) a `"` or `'` opens a value that runs to the same quote, whatever it holds (`<`,
 * `<!--`, `>`); a quote anywhere else is an ordinary character. The name runs to whitespace, `/`
 * or `>`. A tag the text ends inside is `null`: every tokenizer drops it. `/>` just before the
 * closing `>` marks the tag self-closing (whether that closes anything is the caller's business).
 */

export const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;

export interface Tag {
  readonly name: string;
  readonly end: boolean;
  readonly selfClosing: boolean;
  /** Index just after the tag's `>`. */
  readonly next: number;
}

/**
 * The tag starting at `lt` (its name starts at `lt + 1`, or `lt + 2` for an end tag), or null
 * when the text ends inside it. Names are lower-cased when `lowerCase` (HTML), kept for XML.
 */
export function readTag(text: string, lt: number, end: boolean, lowerCase: boolean): Tag | null {
  let j = lt + (end ? 2 : 1);
  const nameStart = j;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (isSpace(c) || c === 47 /* / */ || c === 62 /* > */) break;
    j++;
  }
  const raw = text.slice(nameStart, j);
  const name = lowerCase ? raw.toLowerCase() : raw;
  let selfClosing = false;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 62 /* > */) return { name, end, selfClosing, next: j + 1 };
    selfClosing = c === 47 && text.charCodeAt(j + 1) === 62;
    if (c === 61 /* = */) {
      let k = j + 1;
      while (k < text.length && isSpace(text.charCodeAt(k))) k++;
      const q = text.charCodeAt(k);
      if (q === 34 || q === 39) {
        const close = text.indexOf(q === 34 ? '"' : "'", k + 1);
        if (close === -1) return null;
        j = close + 1;
        continue;
      }
      j = k;
      continue;
    }
    j++;
  }
  return null;
}

/**
 * Open elements, innermost last, with a tag per element (a namespace, for pages). An end tag
 * closes the innermost open element of its name and everything opened inside it; an end tag with
 * no open element of its name closes nothing, as in parse5 and htmlparser2, so stray `</x>` cannot
 * hide depth. Every operation is O(1) amortised.
 */
export class OpenElements<T> {
  private readonly names: string[] = [];
  private readonly tags: T[] = [];
  private readonly counts = new Map<string, number>();

  get depth(): number {
    return this.names.length;
  }

  /** The tag of the innermost open element and its name, or undefined when none is open. */
  innermost(): { readonly name: string; readonly tag: T } | undefined {
    const n = this.names.length;
    return n === 0 ? undefined : { name: this.names[n - 1]!, tag: this.tags[n - 1]! };
  }

  push(name: string, tag: T): void {
    this.names.push(name);
    this.tags.push(tag);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  /** Closes the innermost element; false when none is open. */
  pop(): boolean {
    const name = this.names.pop();
    if (name === undefined) return false;
    this.tags.pop();
    this.counts.set(name, (this.counts.get(name) ?? 1) - 1);
    return true;
  }

  /** Closes the innermost open `name` and everything inside it; nothing when no `name` is open. */
  close(name: string): void {
    if ((this.counts.get(name) ?? 0) === 0) return;
    while (this.names[this.names.length - 1] !== name) this.pop();
    this.pop();
  }
}
