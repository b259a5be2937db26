import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import {
  credentialsFromEnv,
  fetchDataset,
  hasCredentials,
  originFor,
  planDataset,
  redactHeaders,
  redactUrl,
} from '../../src/providers/index.ts';
import { dataForSeoEndpoint } from '../../src/providers/dataforseo/api.ts';
import { context, effects } from './emulator-helpers.ts';

const origin = 'http://127.0.0.1:9';

describe('planning', () => {
  it('refuses an endpoint the catalog does not know, listing the ones it does', () => {
    const error = (() => {
      try {
        planDataset('rd', { provider: 'ahrefs-v2', from: 'refdomainz' }, context(origin));
      } catch (e) {
        return e as LinkbookError;
      }
    })();
    expect(error?.code).toBe('invalid');
    expect(error?.hint).toContain('refdomains_by_type');
  });

  it('refuses a clause the provider has no use for', () => {
    expect(() =>
      planDataset('rd', { provider: 'ahrefs-v3', from: 'refdomains', having: 'domain_rating > 1' }, context(origin)),
    ).toThrow(/has no having/);
    expect(() =>
      planDataset(
        'rd',
        { provider: 'ahrefs-v2', from: 'refdomains_by_type', filters: 'backlinks > 1' },
        context(origin),
      ),
    ).toThrow(/has no filters/);
  });

  it('refuses an order_by column the API cannot sort on', () => {
    // 000: ip is a where-only column, so not sortable
    expect(() =>
      planDataset('rd', { provider: 'ahrefs-v2', from: 'refdomains_by_type', order_by: 'ip desc' }, context(origin)),
    ).toThrow(LinkbookError);
  });

  it('uses the dataset target and mode over the report ones', () => {
    const plan = planDataset(
      'gap',
      { provider: 'ahrefs-v2', from: 'refdomains_by_type', target: 'rival.com', mode: 'subdomains' },
      context(origin),
    );
    const url = new URL(plan.requests[0]!.url);
    expect([url.searchParams.get('target'), url.searchParams.get('mode')]).toEqual(['rival.com', 'subdomains']);
  });

  it('encodes a v2 exact or prefix target once more, as 003 asks, and leaves domains alone', () => {
    const target = (mode: 'exact' | 'domain', t: string): string | null =>
      new URL(
        planDataset('rd', { provider: 'ahrefs-v2', from: 'refdomains_by_type', mode, target: t }, context(origin))
          .requests[0]!.url,
      ).searchParams.get('target');
    expect(target('exact', 'example.com/über uns/')).toBe('example.com/%C3%BCber%20uns/');
    expect(target('exact', 'example.com/%C3%BCber/')).toBe('example.com/%C3%BCber/');
    expect(target('domain', 'example.com')).toBe('example.com');
  });

  it('bounds the v2 cost by the default limit of 1000 rows when none is given', () => {
    const plan = planDataset('rd', { provider: 'ahrefs-v2', from: 'refdomains_by_type' }, context(origin));
    expect(plan.estimate.ahrefs_v2_rows).toBe(10 + 1000);
  });

  it('maps modes to DataForSEO targets: subdomains included only for subdomains, pages as URLs', () => {
    const task = (mode: 'domain' | 'subdomains' | 'exact'): unknown =>
      JSON.parse(
        planDataset(
          'rd',
          { provider: 'dataforseo', from: 'referring_domains', mode },
          context(origin, { target: 'www.example.com' }),
        ).requests[0]!.body!,
      )[0];
    expect(task('domain')).toMatchObject({ target: 'example.com', include_subdomains: false });
    expect(task('subdomains')).toMatchObject({ target: 'example.com', include_subdomains: true });
    expect(task('exact')).toMatchObject({ target: 'https://www.example.com' });
  });

  it('accepts DataForSEO paths written with or without their prefix and /live', () => {
    expect(dataForSeoEndpoint('referring_domains')).toBe('referring_domains/live');
    expect(dataForSeoEndpoint('/v3/backlinks/referring_domains/live')).toBe('referring_domains/live');
    expect(dataForSeoEndpoint('backlinks/live')).toBe('backlinks/live');
    expect(dataForSeoEndpoint('backlinks')).toBe('backlinks/live');
    expect(dataForSeoEndpoint('backlinks/backlinks/live')).toBe('backlinks/live');
  });

  it('asks v3 only for the columns the canonical model needs when select is absent', () => {
    const plan = planDataset('rd', { provider: 'ahrefs-v3', from: 'refdomains', limit: 10 }, context(origin));
    const select = new URL(plan.requests[0]!.url).searchParams.get('select')!.split(',');
    expect(select).toContain('domain_rating');
    // traffic_domain costs 10 units a row (catalog) and the canonical model does not read it
    expect(select).not.toContain('traffic_domain');
    // Ahrefs "Limits consumption": the 7 canonical refdomains fields at 1 unit each x 10 rows
    expect(select).toHaveLength(7);
    expect(plan.estimate.ahrefs_v3_units).toBe(70);
  });

  it('fails with the variable to set when a provider has no credentials and the run is not a sandbox', async () => {
    const plan = planDataset('rd', { provider: 'ahrefs-v3', from: 'refdomains' }, context(origin));
    const error = (await fetchDataset(plan, effects({ credentials: credentialsFromEnv({}) })).catch(
      (e: unknown) => e,
    )) as LinkbookError;
    expect(error.message).toContain('AHREFS_API_KEY');
    expect(error.hint).toContain('--sandbox');
  });
});

describe('credentials', () => {
  it('reads tokens and origin overrides from the environment, treating empty values as absent', () => {
    const credentials = credentialsFromEnv({
      AHREFS_V2_TOKEN: 'tok',
      AHREFS_API_KEY: ' ',
      DATAFORSEO_LOGIN: 'me',
      DATAFORSEO_PASSWORD: 'pw',
      AHREFS_V2_URL: 'http://127.0.0.1:8080/',
      DATAFORSEO_URL: 'http://127.0.0.1:8080',
    });
    expect(hasCredentials('ahrefs-v2', credentials)).toBe(true);
    expect(hasCredentials('ahrefs-v3', credentials)).toBe(false);
    expect(hasCredentials('dataforseo', credentials)).toBe(true);
    expect(originFor('ahrefs-v2', credentials)).toBe('http://127.0.0.1:8080');
    expect(originFor('ahrefs-v3', credentials)).toBe('https://api.ahrefs.com');
  });
});

describe('redaction', () => {
  it('hides the v2 token in a URL and credentials in headers, keeping the rest', () => {
    expect(redactUrl('https://apiv2.ahrefs.com/?from=x&token=abc123&target=a.com')).toBe(
      'https://apiv2.ahrefs.com/?from=x&token=***&target=a.com',
    );
    expect(redactHeaders({ Authorization: 'Bearer k3y', 'content-type': 'application/json' })).toEqual({
      Authorization: 'Bearer ***',
      'content-type': 'application/json',
    });
  });
});
