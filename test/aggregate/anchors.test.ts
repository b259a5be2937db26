import { describe, expect, it } from 'vitest';
import { anchorClassifier, defaultBrandTerms, runAggregate } from '../../src/aggregate/index.ts';
import { backlink, context } from './rows.ts';

describe('brand terms', () => {
  it('derives the three spellings of a hyphenated brand from the target', () => {
    expect(defaultBrandTerms('acme-shop.com')).toEqual(['acme-shop', 'acme shop', 'acmeshop']);
  });

  it('skips the scheme, www, country second levels and paths', () => {
    expect(defaultBrandTerms('https://www.acme.co.uk/shoes')).toEqual(['acme']);
    expect(defaultBrandTerms('blog.example.com')).toEqual(['example']);
  });
});

describe('anchor classification', () => {
  const classifier = anchorClassifier(defaultBrandTerms('acme-shop.com'), ['running shoes']);
  const table: Array<[string, string]> = [
    ['acme shop', 'branded'],
    ['acmeshop', 'branded'],
    ['acme-shop reviews', 'branded'],
    ['acme-shop.com', 'url'],
    ['https://acme-shop.com/shoes', 'url'],
    ['www.example.org', 'url'],
    ['example.org/page?id=1', 'url'],
    ['', 'empty'],
    ['"…"', 'empty'],
    ['click here', 'generic'],
    ['read more…', 'generic'],
    ['here', 'generic'],
    ['website', 'generic'],
    ['running shoes', 'exact'],
    ['best running shoes 2024', 'partial'],
    ['trail running tips', 'partial'],
    ['cheap sneakers', 'other'],
  ];
  it.each(table)('classes "%s" as %s', (anchor, expected) => {
    expect(classifier.classify(anchor)).toBe(expected);
  });

  it('classes keyword anchors as other when no keywords are given', () => {
    expect(anchorClassifier(['acme']).classify('running shoes')).toBe('other');
  });
});

describe('anchors aggregate', () => {
  const links = [
    ...[
      'Acme Shop',
      'Acme Shop',
      ' Acme  Shop',
      'acme shop',
      'click here',
      'click here',
      '',
      'running shoes',
      'cheap sneakers',
    ].map((anchor, i) => backlink(`https://s${i}.com/`, { anchor })),
  ];
  const ctx = context('backlinks', {}, { keywords: ['running shoes'] });

  it('groups spellings, shows the most used one, and folds the rest into other', () => {
    const result = runAggregate({ kind: 'anchors', of: 'backlinks', top: 2 }, links, ctx);
    expect(result.rows).toEqual([
      { anchor: 'Acme Shop', class: 'Branded', count: 4, share: 4 / 9 },
      { anchor: 'click here', class: 'Generic', count: 2, share: 2 / 9 },
      { anchor: 'other', class: null, count: 3, share: 3 / 9 },
    ]);
    expect(result.total).toBe(9);
    expect(result.notes.join(' ')).toContain('"acme shop"');
  });

  it('shows an empty anchor with a readable label', () => {
    const result = runAggregate({ kind: 'anchors', of: 'backlinks' }, links, ctx);
    expect(result.rows.find((r) => r['class'] === 'Empty')?.['anchor']).toBe('(no anchor text)');
  });

  it('breaks backlinks down by anchor class with by: class', () => {
    const result = runAggregate({ kind: 'anchors', of: 'backlinks', by: 'class' }, links, ctx);
    expect(result.rows.map((r) => [r['class'], r['count'], r['anchors']])).toEqual([
      ['Branded', 4, 1],
      ['Exact match', 1, 1],
      ['Partial match', 0, 0],
      ['URL', 0, 0],
      ['Generic', 2, 1],
      ['Empty', 1, 1],
      ['Other', 1, 1],
    ]);
    expect(result.rows.reduce((n, r) => n + (r['share'] as number), 0)).toBeCloseTo(1, 12);
  });

  it('uses the section keywords over the report keywords', () => {
    const result = runAggregate(
      { kind: 'anchors', of: 'backlinks', by: 'class', keywords: ['cheap sneakers'] },
      links,
      ctx,
    );
    // "cheap sneakers" is now the exact match and "running shoes" (the report keyword) is other
    expect(result.rows.map((r) => [r['class'], r['count']])).toEqual([
      ['Branded', 4],
      ['Exact match', 1],
      ['Partial match', 0],
      ['URL', 0],
      ['Generic', 2],
      ['Empty', 1],
      ['Other', 1],
    ]);
    const top = runAggregate({ kind: 'anchors', of: 'backlinks', keywords: ['cheap sneakers'] }, links, ctx);
    expect(top.rows.find((r) => r['anchor'] === 'cheap sneakers')?.['class']).toBe('Exact match');
    expect(top.rows.find((r) => r['anchor'] === 'running shoes')?.['class']).toBe('Other');
  });

  it('counts links with no anchor column in no class, and says so', () => {
    const rows = [
      backlink('https://a.com/', { anchor: null }),
      backlink('https://b.com/', { anchor: 'running shoes' }),
    ];
    const result = runAggregate({ kind: 'anchors', of: 'backlinks', by: 'class' }, rows, ctx);
    expect(result.total).toBe(1);
    expect(result.rows.find((r) => r['class'] === 'Exact match')?.['count']).toBe(1);
    expect(result.notes).toContain('1 backlinks have no anchor text in this data and are not counted here.');
  });

  it('uses the brand terms of the definition over the target', () => {
    const result = runAggregate({ kind: 'anchors', of: 'backlinks', brand: ['sneakers'] }, links, ctx);
    expect(result.rows.find((r) => r['anchor'] === 'cheap sneakers')?.['class']).toBe('Branded');
    expect(result.rows.find((r) => r['anchor'] === 'Acme Shop')?.['class']).toBe('Other');
  });

  it('refuses anchors of referring domains', () => {
    expect(() => runAggregate({ kind: 'anchors', of: 'refdomains' }, [], context('refdomains'))).toThrow(
      /needs backlinks rows/,
    );
  });
});
