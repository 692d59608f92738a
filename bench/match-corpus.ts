/**
 * Generated data for the matcher benchmark: a seeded, Zipf-distributed vocabulary in English,
 * Russian and Belarusian (Cyrillic and Łacinka), articles of about 3 KB built from it, and watch
 * rules that mix terms, phrases, NEAR/ONEAR, wildcards, NOT, fields and aliases. The same seed
 * always gives the same data, so runs compare.
 */
import type { RuleConfig } from '../src/config/types.js';
import type { MatchableArticle } from '../src/rules/match.js';

export type Random = () => number;

/** mulberry32: small, fast, good enough for benchmark data. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN = `the of and to in a is that for on with as by at from it was said be has have are were this will an
not but which their its more also after over new two government president minister foreign policy security
talks meeting summit visit sanctions economy trade gas oil energy border military army troops exercises union
state integration treaty agreement programme road map tax customs market prices loan credit bank debt nuclear
weapons missile defence election opposition protest prisoners court sentence journalist media independent
regime dictator leader ruler official officials ministry embassy ambassador delegation cooperation partnership
relations neighbours neighbour refugees migrants crisis war invasion offensive ceasefire negotiations kremlin
potash fertiliser refinery exports imports pipeline railway transit ports shipping investors investment growth
inflation currency rouble budget parliament deputies constitution referendum sovereignty independence alliance
bloc european commission council washington brussels warsaw vilnius kyiv beijing moscow minsk sochi valdai`.split(/\s+/);

const RU = `и в не на что с по как к это из за от его для же так все она был но бы уже до при или если они было
президент правительство министр внешней политики безопасности переговоры встреча саммит визит санкции экономика
торговля газ нефть энергетика граница военные учения союзное государство интеграция договор соглашение программа
налоги таможня рынок цены кредит банк долг ядерное оружие ракеты оборона выборы оппозиция протест заключенные суд
приговор журналист независимые режим лидер чиновники министерство посольство посол делегация сотрудничество
отношения соседи беженцы мигранты кризис война наступление перемирие кремль калий удобрения экспорт импорт
трубопровод железная дорога транзит порты инвестиции рост инфляция валюта рубль бюджет парламент депутаты
конституция референдум суверенитет независимость альянс евросоюз москва минск сочи пекин варшава вильнюс киев`.split(/\s+/);

const BE = `і ў не на што з па як да гэта за ад яго для ж так усе яна быў але б ужо пры ці калі яны было прэзідэнт
урад міністр знешняй палітыкі бяспекі перамовы сустрэча саміт візіт санкцыі эканоміка гандаль газ нафта мяжа
вайсковыя вучэнні саюзная дзяржава інтэграцыя дамова пагадненне праграма падаткі мытня рынак цэны крэдыт банк
ядзерная зброя ракеты выбары апазіцыя пратэст палітвязні суд прысуд журналіст незалежныя рэжым лідар чыноўнікі
амбасада пасол супрацоўніцтва адносіны суседзі ўцекачы крызіс вайна крэмль калій экспарт імпарт транзіт
інвестыцыі інфляцыя валюта бюджэт парламент канстытуцыя рэферэндум суверэнітэт незалежнасць масква мінск`.split(/\s+/);

const LATIN_BE = `i ŭ nie na što z pa jak da heta za ad jaho dla tak usie jana byŭ ale užo pry ci kali jany prezident urad
ministr zniešniaj palityki biaśpieki pieramovy sustreča samit vizit sankcyi ekanomika handal haz nafta miaža
vajskovyja vučenni sajuznaja dziaržava intehracyja damova pahadniennie prahrama padatki mytnia rynak ceny kredyt
jadziernaja zbroja vybary apazicyja pratest palitviazni sud prysud žurnalist niezaležnyja režym lidar čynoŭniki
ambasada pasoł supracoŭnictva adnosiny sussiedzi ŭciekačy kryzis vajna kreml kalij ekspart impart tranzit
maskva minsk biełaruś łukašenka pucin`.split(/\s+/);

const NAMES = `Lukashenka Lukashenko Лукашенко Лукашэнка Łukašenka Putin Путин Пуцін Pucin Tsikhanouskaya Тихановская
Xi Zelensky Macron Scholz Tusk Nauseda Shoigu Lavrov Makei Ryzhenkov Golovchenko Belaruskali Naftan Belavia Gazprom`.split(/\s+/);

const combine = (consonants: string, vowels: string): string[] => consonants.split(' ').flatMap((c) => vowels.split(' ').map((v) => c + v));
const SYLLABLES_LAT = combine('b d g k l m n p r s t v z sh ch zh', 'a e i o u y');
const SYLLABLES_CYR = combine('б д г к л м н п р с т в з ш ч ж', 'а е и о у ы э я');
const ENDINGS_CYR = ['', 'а', 'ы', 'ов', 'ом', 'ами', 'ах', 'у', 'е', 'ой', 'ого', 'ому', 'ых', 'ая', 'ую'];
const ENDINGS_EN = ['', 's', 'ed', 'ing', 'er', 'ers', 'ly', 'ion', 'ions'];

export interface Vocabulary {
  /** Words by rank: lower index = more frequent. */
  readonly words: readonly string[];
  /** Cumulative Zipf weights, for sampling by binary search. */
  readonly cumulative: Float64Array;
}

function pick<T>(rnd: Random, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

function pseudoWord(rnd: Random, cyrillic: boolean): string {
  const syl = cyrillic ? SYLLABLES_CYR : SYLLABLES_LAT;
  let w = '';
  const n = 2 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) w += pick(rnd, syl);
  return w + pick(rnd, cyrillic ? ENDINGS_CYR : ENDINGS_EN);
}

/** Real words first (the frequent ones), their inflections, then a long tail of invented ones. */
export function buildVocabulary(rnd: Random, size: number): Vocabulary {
  const words = new Set<string>();
  const real = [...EN, ...RU, ...BE, ...LATIN_BE, ...NAMES];
  for (const w of real) words.add(w);
  for (const w of [...RU, ...BE]) for (const e of ENDINGS_CYR.slice(1, 6)) if (w.length > 3) words.add(w + e);
  for (const w of EN) for (const e of ENDINGS_EN.slice(1, 4)) if (w.length > 3) words.add(w + e);
  while (words.size < size) words.add(pseudoWord(rnd, rnd() < 0.55));
  const list = [...words];
  const cumulative = new Float64Array(list.length);
  let sum = 0;
  for (let i = 0; i < list.length; i++) {
    sum += 1 / (i + 2.7);
    cumulative[i] = sum;
  }
  return { words: list, cumulative };
}

export function sampleWord(rnd: Random, vocab: Vocabulary): string {
  const total = vocab.cumulative[vocab.cumulative.length - 1]!;
  const x = rnd() * total;
  let lo = 0;
  let hi = vocab.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vocab.cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return vocab.words[lo]!;
}

function sentence(rnd: Random, vocab: Vocabulary, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = sampleWord(rnd, vocab);
    if (i === 0) w = w.charAt(0).toUpperCase() + w.slice(1);
    if (rnd() < 0.02) w = `«${w}»`;
    if (rnd() < 0.03) w = `${w}’s`;
    out.push(w);
  }
  return `${out.join(rnd() < 0.1 ? ' — ' : ' ')}${rnd() < 0.15 ? ',' : '.'}`;
}

/** An article of about `bytes` UTF-8 bytes of content, with a title and a summary. */
export function buildArticle(rnd: Random, vocab: Vocabulary, i: number, bytes: number): MatchableArticle & { id: string } {
  let content = '';
  while (Buffer.byteLength(content) < bytes) content += `${sentence(rnd, vocab, 8 + Math.floor(rnd() * 14))} `;
  return {
    id: `a${i}`,
    title: sentence(rnd, vocab, 6 + Math.floor(rnd() * 8)),
    summary: sentence(rnd, vocab, 20 + Math.floor(rnd() * 20)),
    content,
    author: rnd() < 0.5 ? 'Radio Svaboda' : null,
    sourceId: pick(rnd, ['edm', 'svaboda', 'belta', 'zerkalo', 'nashaniva']),
    lang: pick(rnd, ['en', 'ru', 'be', 'be-Latn', null]),
  };
}

/** An analyst's word: topical, so drawn from the middle and tail of the vocabulary. */
function ruleWord(rnd: Random, vocab: Vocabulary): string {
  const lo = 1_000;
  const hi = vocab.words.length;
  const rank = Math.floor(lo * Math.pow(hi / lo, rnd()));
  return vocab.words[Math.min(rank, hi - 1)]!;
}

function wildcard(rnd: Random, vocab: Vocabulary): string {
  const w = ruleWord(rnd, vocab);
  const chars = [...w];
  if (chars.length < 5) return w;
  if (rnd() < 0.15) return `${chars.slice(0, 2).join('')}?${chars.slice(3).join('')}`;
  return `${chars.slice(0, Math.max(5, chars.length - 2)).join('')}*`;
}

export function buildAliases(rnd: Random, vocab: Vocabulary, count: number): Record<string, string[]> {
  const aliases: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    aliases[`a${i}`] = Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => (rnd() < 0.5 ? wildcard(rnd, vocab) : ruleWord(rnd, vocab)));
  }
  return aliases;
}

export function buildRules(rnd: Random, vocab: Vocabulary, aliasCount: number, count: number): RuleConfig[] {
  const w = (): string => ruleWord(rnd, vocab);
  const shapes: (() => string)[] = [
    () => `${w()} AND ${w()}`,
    () => `"${w()} ${w()}"`,
    () => `${w()} NEAR/5 ${w()}`,
    () => `(${w()} OR ${w()}) ONEAR/3 ${wildcard(rnd, vocab)}`,
    () => `${wildcard(rnd, vocab)} ${w()} NOT ${w()}`,
    () => `@a${Math.floor(rnd() * aliasCount)} AND (${w()} OR ${wildcard(rnd, vocab)})`,
    () => `(${w()} OR ${w()} OR ${w()}) AND ${w()} NOT (${w()} OR ${w()})`,
    () => `title:${w()} OR summary:"${w()} ${w()}"`,
    () => `${w()} AND lang:ru`,
  ];
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    name: `rule ${i}`,
    priority: 'normal' as const,
    query: pick(rnd, shapes)(),
  }));
}
