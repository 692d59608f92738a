import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/sources/charset.js';
import { fixture } from './http-test-server.js';

const RU = 'Лукашенко провел переговоры';
const BE = 'Ўсё пра ўсё: Ґанак і ўздых';

describe('decodeBytes', () => {
  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<a>${RU}</a>`)]), undefined, 'bom'],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(`<a>${BE}</a>`, 'utf-16le')]), undefined, 'bom'],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(`<a>${BE}</a>`, 'utf-16be')]), undefined, 'bom'],
    ['UTF-32LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(`<a>${BE}</a>`, 'utf-32le')]), undefined, 'bom'],
    ['UTF-16LE without BOM', iconv.encode(`<a>${BE}</a>`, 'utf-16le'), undefined, 'sniff'],
    ['UTF-16BE without BOM', iconv.encode(`<a>${BE}</a>`, 'utf-16be'), undefined, 'sniff'],
    ['UTF-32BE without BOM', iconv.encode(`<a>${BE}</a>`, 'utf-32be'), undefined, 'sniff'],
    ['UTF-8 declared as windows-1251 (the declaration lies)', Buffer.from(`<?xml version="1.0" encoding="windows-1251"?><a>${RU}</a>`), 'text/xml; charset=windows-1251', 'utf-8'],
    ['windows-1251 from the HTTP header only', iconv.encode(`<?xml version="1.0"?><a>${RU}</a>`, 'windows-1251'), 'application/rss+xml; charset=windows-1251', 'http'],
    ['windows-1251 from the XML declaration only', iconv.encode(`<?xml version="1.0" encoding="windows-1251"?><a>${RU}</a>`, 'windows-1251'), 'text/xml', 'declaration'],
    ['koi8-r from an HTML meta', iconv.encode(`<html><head><meta charset="koi8-r"></head><body>${RU}</body></html>`, 'koi8-r'), null, 'declaration'],
    ['windows-1251 with nothing declared (detected)', iconv.encode(`<a>${RU}. Белорусско-китайские отношения вышли на уровень всепогодного партнерства, заявил министр.</a>`, 'windows-1251'), null, 'detected'],
    ['UTF-8 declared as UTF-16 without wide bytes', Buffer.from(`<?xml version="1.0" encoding="UTF-16"?><a>${RU}</a>`), null, 'utf-8'],
  ])('%s', (_label, bytes, contentType, source) => {
    const out = decodeBytes(bytes, contentType);
    expect(out.source).toBe(source);
    expect(out.text).toMatch(new RegExp(RU.slice(0, 10) + '|' + BE.slice(0, 8)));
    expect(out.text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('decodes the koi8-r and UTF-32 fixtures', () => {
    expect(decodeBytes(fixture('feeds/ru-koi8r.xml')).text).toContain('Ёлки и санкции');
    expect(decodeBytes(fixture('feeds/be-utf32be.xml')).text).toContain('Ўсё пра ўсё');
  });

  it('falls back to detection when the declared charset is unknown', () => {
    const out = decodeBytes(iconv.encode(`<?xml version="1.0" encoding="x-bogus"?><a>${RU} и ещё немного текста для детектора кодировки</a>`, 'windows-1251'), 'text/xml; charset=bogus');
    expect(out.text).toContain(RU);
  });
});

describe('decodeBytes on short Cyrillic titles with no charset declared', () => {
  const TITLES = ['Лукашэнка і Пуцін', 'Лукашенко и Путин', 'Санкции ЕС', 'Мінск і Пекін: новы этап', 'Визит в Пекин'];
  // koi8-r has no і or ў: Belarusian titles are tested in windows-1251 and koi8-u (і), Russian ones in all three.
  const cases = TITLES.flatMap((title) =>
    (/[іў]/.test(title) ? ['windows-1251', 'koi8-u'] : ['windows-1251', 'koi8-r']).map((encoding) => [title, encoding] as const),
  );
  it.each(cases)('reads "%s" in %s from an XML declaration without encoding', (title, encoding) => {
    const bytes = iconv.encode(`<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><item><title>${title}</title></item></channel></rss>`, encoding);
    const out = decodeBytes(bytes, 'application/rss+xml');
    expect(out.source).toBe('detected');
    expect(out.encoding).toBe(encoding);
    expect(out.text).toContain(`<title>${title}</title>`);
  });

  it('reads one short windows-1251 title in an otherwise English feed', () => {
    const feed = `<?xml version="1.0"?><rss><channel><title>Belarus Digest</title><item><title>Minsk and Beijing</title><description>Talks went on for hours.</description></item><item><title>Лукашэнка і Пуцін</title></item></channel></rss>`;
    expect(decodeBytes(iconv.encode(feed, 'windows-1251'), 'text/xml').text).toContain('Лукашэнка і Пуцін');
  });

  it.each([
    ['French', 'Café à Minsk: le président reçoit'],
    ['German', 'Müller trifft Lukaschenko in Straßburg'],
    ['Spanish', 'Señor Lukashenko, ¿qué pasará?'],
  ])('keeps %s windows-1252 text windows-1252', (_label, title) => {
    const out = decodeBytes(iconv.encode(`<?xml version="1.0"?><a>${title}</a>`, 'windows-1252'), null);
    expect(out.text).toContain(title);
  });
});
