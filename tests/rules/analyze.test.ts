import { describe, expect, it } from 'vitest';
import { analyzeTerms, analyzeText } from '../../src/rules/analyze.js';

const terms = (s: string): string[] => analyzeTerms(s);

describe('text analysis', () => {
  it.each([
    ['NFKC: ligatures and full-width letters', 'ﬁnal Ｐｕｔｉｎ ²', ['final', 'putin', '2']],
    ['lower case', 'LUKASHENKA Minsk', ['lukashenka', 'minsk']],
    ['Latin diacritics removed', 'Łukašenka Café Zürich', ['lukasenka', 'cafe', 'zurich']],
    ['diacritics written as combining marks', 'Luka\u0161enka Cafe\u0301', ['lukasenka', 'cafe']],
    ['ł ø ß æ đ', 'ł ø ß æ đ Straße Ærø Đinđić', ['l', 'o', 'ss', 'ae', 'd', 'strasse', 'aero', 'dindic']],
    ['Russian Cyrillic', 'Лукашенко Путин', ['lukashenko', 'putin']],
    ['Belarusian Cyrillic', 'Лукашэнка Пуцін', ['lukashenka', 'putsin']],
    ['й is y, not i with a dropped breve', 'Сергей Шойгу', ['sergey', 'shoygu']],
    ['й written decomposed is still y', 'Серге\u0438\u0306', ['sergey']],
    ['ъ and ь vanish without splitting the word', 'объявил Львов', ['obyavil', 'lvov']],
    ['apostrophes separate', "Lukashenka's Lukashenka’s сям'я сямʼя", ['lukashenka', 's', 'lukashenka', 's', 'syam', 'ya', 'syam', 'ya']],
    ['hyphens and dashes separate', 'Belarus-Russia Belarus–Russia Belarus—Russia', ['belarus', 'russia', 'belarus', 'russia', 'belarus', 'russia']],
    ['punctuation and spaces separate; digits are token characters', 'EU’s 14th package, 2024: «санкции»', ['eu', 's', '14th', 'package', '2024', 'sanktsii']],
    ['no letters or digits: no tokens', ' — !? … ', []],
  ])('%s', (_name, input, expected) => {
    expect(terms(input)).toEqual(expected);
  });

  it('transliterates every letter of the table exactly', () => {
    const table: Record<string, string> = {
      а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'i', і: 'i', ї: 'yi',
      й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ў: 'u', ф: 'f', х: 'kh',
      ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
    };
    for (const [cyr, lat] of Object.entries(table)) {
      expect(terms(`x${cyr}x`), cyr).toEqual([`x${lat}x`]);
      expect(terms(`x${cyr.toUpperCase()}x`), cyr.toUpperCase()).toEqual([`x${lat}x`]);
    }
  });

  it('joins spellings across scripts (the examples of the spec)', () => {
    expect(terms('Лукашэнка')).toEqual(terms('lukashenka'));
    expect(terms('Лукашенко')).toEqual(terms('Lukashenko'));
    expect(terms('Łukašenka')).toEqual(terms('lukasenka'));
    expect(terms("Lukashenka's")[0]).toBe('lukashenka');
  });

  it('numbers tokens by position and keeps their UTF-16 offsets in the original text', () => {
    const text = 'Łukašenka\u0301’s 😀 Пуцін-Сі';
    const a = analyzeText(text);
    expect(a.terms).toEqual(['lukasenka', 's', 'putsin', 'si']);
    const slices = a.terms.map((_, i) => text.slice(a.starts[i], a.ends[i]));
    expect(slices).toEqual(['Łukašenka\u0301', 's', 'Пуцін', 'Сі']);
  });

  it('keeps astral letters whole and measures them in UTF-16 units', () => {
    const text = 'a 𝐀𝐁 b';
    const a = analyzeText(text);
    expect(a.terms).toEqual(['a', 'ab', 'b']);
    expect([a.starts[1], a.ends[1]]).toEqual([2, 6]);
  });

  it('treats * and ? as token characters only for query words', () => {
    expect(analyzeTerms('Путин* pu?in', { wildcards: true })).toEqual(['putin*', 'pu?in']);
    expect(terms('Путин* pu?in')).toEqual(['putin', 'pu', 'in']);
  });
});
