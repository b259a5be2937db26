import { describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS } from '../../src/definition/schema.ts';
import { OUTPUT_FORMAT_NAMES, outputAttachments, outputFiles, type OutputSources } from '../../src/outputs.ts';
import { renderedReport } from '../deliver/report-fixture.ts';

describe('the output table', () => {
  const rendered = renderedReport();
  const sources: OutputSources = {
    rendered,
    pdf: new Uint8Array([37, 80, 68, 70]),
    svgToPng: (svg) => new TextEncoder().encode(`png:${svg.length}`),
  };

  it("is where the schema's format names come from", () => {
    expect([...OUTPUT_FORMATS]).toEqual(OUTPUT_FORMAT_NAMES);
  });

  it('writes, for each format, its files beside data.json and the chart SVGs, each once', () => {
    const names = (formats: Parameters<typeof outputFiles>[0]) =>
      outputFiles(formats, sources)
        .map((f) => f.name)
        .sort();
    const always = ['data.json', ...rendered.charts.map((c) => `charts/${c.name}.svg`)];
    const tables = rendered.tables.map((t) => `tables/${t.name}.csv`);
    expect(names(['html'])).toEqual([...always, 'report.html'].sort());
    expect(names(['html', 'pdf'])).toEqual([...always, 'report.html', 'report.pdf'].sort());
    expect(names(['csv', 'json'])).toEqual([...always, ...tables].sort());
    expect(names(['png'])).toEqual([...always, ...rendered.charts.map((c) => `charts/${c.name}.png`)].sort());
  });

  it('attaches what email.attach lists, with each format content type, and nothing more for png', () => {
    const attached = outputAttachments(['pdf', 'json', 'png'], sources, 'stem');
    expect(attached.map((a) => [a.name, a.contentType])).toEqual([
      ['stem.pdf', 'application/pdf'],
      ['stem.json', 'application/json'],
    ]);
    expect(JSON.parse(String(attached[1]!.content))).toEqual(rendered.data);
  });
});
