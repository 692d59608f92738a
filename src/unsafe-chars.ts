/**
 * The one definition of the characters feed text must never show a reader (pure): every control
 * character (Unicode Cc: C0, DEL, C1 — `ESC[31m`, CR LF + `Bcc:`) and every format character
 * (Unicode Cf: bidi marks, embeddings, overrides and isolates, U+061C, soft hyphens, word joiners,
 * invisible operators, tag characters), which either drive a terminal or a mail header or reorder
 * and hide what a reader sees. Two format characters are never unsafe: ZWNJ (U+200C) and ZWJ
 * (U+200D), which Persian, the Indic scripts and emoji sequences need and which cannot reorder or
 * hide text. Each user names the whitespace it keeps (normalising keeps it to collapse it into a
 * space; renderers keep tab and line feed) and whether the line and paragraph separators
 * (U+2028, U+2029, Zl/Zp, not Cf) count too. Normalising removes them (`cleanText`), the digest
 * renderers remove them again for archived text from before (`digest/format.ts`), the CLI shows
 * them as escapes (`cli/printable.ts`).
 */
export function unsafeChars(opts: { readonly keep: string; readonly separators: boolean }): RegExp {
  const keep = [...opts.keep, '\u200c', '\u200d'].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('');
  return new RegExp(`(?![${keep}])[\\p{Cc}\\p{Cf}${opts.separators ? '\\u2028\\u2029' : ''}]`, 'gu');
}
