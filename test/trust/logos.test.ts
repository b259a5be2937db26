/**
 * SVG logos (issue 18, case 2), through the real CLI: an SVG logo that refers to anything but a
 * `#fragment` or an embedded data: image, or declares a DOCTYPE or entity, is refused while the
 * report loads, with the logo file and the offending attribute, exit 2 and nothing fetched.
 * Before, `<image href="/abs/private.png"/>` put that local file into the emailed PNG.
 */
import { deflateSync } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { AS_OF, workDir, writeReport } from './reports.ts';

const work = workDir('logos');

/** A valid 1 x 1 PNG of one colour (its bytes are what a leak would carry). */
function onePixelPng(rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, ...rgb]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PRIVATE = path.join(work, 'private.png');
writeFileSync(PRIVATE, onePixelPng([255, 0, 0]));

function logoReport(name: string, svg: string): { report: string; logo: string } {
  const logo = path.join(work, `${name}.svg`);
  writeFileSync(logo, svg);
  const report = writeReport(
    work,
    `${name}.yaml`,
    `name: ${name}
target: acme.example
template: weekly
outputs: [html]
client: { name: Acme, logo: ${name}.svg }
email: { to: [client@acme.example] }
budget: { ahrefs_v2_rows: 5000 }
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, limit: 10 }
sections:
  - title: Strongest
    table: { of: refdomains, columns: [domain, authority], sort: authority desc, limit: 5 }
`,
  );
  return { report, logo };
}

const open =
  '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40">\n';
const HOSTILE: Array<[string, string, RegExp]> = [
  [
    'image-abs',
    `${open}<rect width="40" height="40" fill="#08f"/>\n  <image href="${PRIVATE}" width="40" height="40"/>\n</svg>`,
    /href="[^"]*private\.png"/,
  ],
  [
    'xlink-http',
    `${open}\n  <image xlink:href="http://127.0.0.1:9/x.png" width="40" height="40"/>\n</svg>`,
    /xlink:href="http:\/\/127\.0\.0\.1:9\/x\.png"/,
  ],
  ['relative-use', `${open}\n  <use href="other.svg#shape"/>\n</svg>`, /href="other\.svg#shape"/],
  [
    'entity-encoded',
    `${open}\n  <image href="&#47;etc&#47;private.png" width="4" height="4"/>\n</svg>`,
    /href="&#47;etc/,
  ],
  [
    'nested-svg-data',
    `${open}\n  <image href="data:image/svg+xml;base64,PHN2Zy8+" width="4" height="4"/>\n</svg>`,
    /href="data:image\/svg\+xml/,
  ],
  ['css-url', `${open}<style>\n rect { fill: url(/abs/pattern.svg#p) }</style></svg>`, /url\(\/abs\/pattern\.svg#p\)/],
  [
    'doctype',
    `<?xml version="1.0"?>\n<!DOCTYPE svg [ <!ENTITY leak SYSTEM "file:///etc/hostname"> ]>\n${open}<text>&leak;</text></svg>`,
    /<!DOCTYPE/,
  ],
];

describe('SVG logos', () => {
  it.each(HOSTILE)(
    'refuses %s at load with the logo file, line and attribute (exit 2, nothing fetched)',
    async (name, svg, attribute) => {
      const { report, logo } = logoReport(name, svg);
      const env = cleanEnv();
      const outbox = path.join(work, `${name}-mail`);
      const r = await runCli(
        ['run', report, '--as-of', AS_OF, '--out', path.join(work, `${name}-out`), '--email-to-dir', outbox],
        { env },
      );
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `${logo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: the SVG logo .* refers to something outside itself`,
        ),
      );
      expect(r.stderr).toMatch(attribute);
      expect(r.stdout).not.toMatch(/\[fetched\]/);
      expect(existsSync(outbox) ? readdirSync(outbox) : []).toEqual([]);
    },
  );

  it('places the error at the line of the offending attribute', async () => {
    const { report, logo } = logoReport('placed', HOSTILE[0]![1]);
    const r = await runCli(['validate', report], { env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${logo}:3:10:`);
  });

  it('accepts #fragment references and an embedded PNG, and mails the logo as PNG', async () => {
    const png = onePixelPng([0, 128, 255]).toString('base64');
    const { report } = logoReport(
      'clean',
      `${open}<defs><linearGradient id="g"><stop offset="0" stop-color="#08f"/></linearGradient></defs>\n<rect width="40" height="40" fill="url(#g)"/><use href="#g"/>\n<image href="data:image/png;base64,${png}" x="50" width="40" height="40"/></svg>`,
    );
    const outbox = path.join(work, 'clean-mail');
    const r = await runCli(
      ['run', report, '--as-of', AS_OF, '--out', path.join(work, 'clean-out'), '--email-to-dir', outbox],
      { env: cleanEnv() },
    );
    expect(r.code, r.stderr).toBe(0);
    const eml = readFileSync(path.join(outbox, readdirSync(outbox)[0]!), 'utf8');
    expect(eml).toMatch(/filename=("?)logo\.png\1/);
  });
});
