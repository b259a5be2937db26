/**
 * Targets (issue 14, "Domains"): what an API cannot be asked about is refused by validation with
 * its place, and a valid target reaches the APIs normalised once (lower case, no trailing dot,
 * ASCII), while the report keeps it as written.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../src/definition/load.ts';
import { LinkbookErrors } from '../../src/errors.ts';
import { targetForApi, targetProblem } from '../../src/providers/target.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-targets-'));
mkdirSync(path.join(dir, 'templates', 'weekly'), { recursive: true });
const file = path.join(dir, 'reports', 'r.yaml');

const report = (target: string) => `name: t
target: ${JSON.stringify(target)}
template: weekly
data:
  refdomains: { provider: ahrefs-v3, from: refdomains, select: [domain, domain_rating], limit: 10 }
  backlinks: { provider: dataforseo, from: backlinks/live, limit: 10 }
sections:
  - aggregate: { kind: tld, of: refdomains }
`;

function problemsOf(target: string): string[] {
  try {
    parseReport(file, report(target));
    return [];
  } catch (error) {
    if (error instanceof LinkbookErrors) return error.errors.map((e) => e.toLine());
    throw error;
  }
}

describe('report targets', () => {
  it.each([
    ['acme shop.com', 'contains a space'],
    ['ftp://acme.example/files', 'only http and https'],
    ['notahost', 'is not a host, a domain or a URL'],
  ])('refuses %j once, at the target line', (target, reason) => {
    const lines = problemsOf(target).filter((l) => l.includes('target:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`r\\.yaml:2:9: target: .*${reason}`));
  });

  it('accepts hosts, http(s) URLs and internationalised domains', () => {
    for (const target of ['example.com', 'https://www.example.com/blog/', 'bücherwurm.example', 'Example.COM.']) {
      expect(targetProblem(target)).toBeNull();
      expect(problemsOf(target).filter((l) => l.includes('target:'))).toEqual([]);
    }
  });

  it('sends the host lower case, without its trailing dot, in ASCII; keeps the path as written', () => {
    expect(targetForApi('Example.COM.')).toBe('example.com');
    expect(targetForApi('https://Bücherwurm.Example/Path/Case')).toBe('https://xn--bcherwurm-q9a.example/Path/Case');
    expect(parseReport(file, report('Example.COM.')).definition.target).toBe('Example.COM.');
  });
});
