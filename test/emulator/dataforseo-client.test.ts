/**
 * A third-party check on the emulator's fidelity: the official `dataforseo-client` package,
 * pointed at the emulator, sends its own requests and parses the answers into its own models.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacklinksApi } from 'dataforseo-client';
import {
  BacklinksBacklinksLiveRequestInfo,
  BacklinksReferringDomainsLiveRequestInfo,
  BacklinksSummaryLiveRequestInfo,
} from 'dataforseo-client/models';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';

let emulator: Emulator;
let api: BacklinksApi;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  const auth = `Basic ${Buffer.from('login:password').toString('base64')}`;
  api = new BacklinksApi(emulator.origin, {
    fetch: (url: RequestInfo, init?: RequestInit) =>
      fetch(url as string, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: auth } }),
  });
});
afterAll(() => emulator.close());

describe('the official dataforseo-client against the emulator', () => {
  it('parses referring_domains/live, as the seed 004 example asks it', async () => {
    const response = await api.referringDomainsLive([
      new BacklinksReferringDomainsLiveRequestInfo({
        target: 'backlinko.com',
        limit: 5,
        order_by: ['rank,desc'],
        exclude_internal_backlinks: true,
        backlinks_filters: ['dofollow', '=', true],
        filters: ['backlinks', '>', 1],
      }),
    ]);
    expect(response?.status_code).toBe(20000);
    const task = response?.tasks?.[0];
    expect(task?.status_code).toBe(20000);
    const result = task?.result?.[0];
    expect(result?.target).toBe('backlinko.com');
    expect(result?.items?.length).toBe(5);
    const item = result!.items![0]!;
    expect(item.type).toBe('backlinks_referring_domain');
    expect(typeof item.domain).toBe('string');
    expect(item.backlinks).toBeGreaterThan(1);
    const ranks = result!.items!.map((i: { rank?: number }) => i.rank ?? 0);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(response?.cost).toBeCloseTo(0.02 + 5 * 0.00003, 6);
  });

  it('parses backlinks/live and summary/live', async () => {
    const backlinks = await api.backlinksLive([
      new BacklinksBacklinksLiveRequestInfo({ target: 'example.com', limit: 3 }),
    ]);
    expect(backlinks?.tasks?.[0]?.status_code).toBe(20000);
    expect(backlinks?.tasks?.[0]?.result?.[0]?.items?.length).toBe(3);
    const summary = await api.summaryLive([new BacklinksSummaryLiveRequestInfo({ target: 'example.com' })]);
    expect(summary?.tasks?.[0]?.status_code).toBe(20000);
    expect(summary?.tasks?.[0]?.result?.[0]?.target).toBe('example.com');
  });

  it('sees a failed task inside a successful envelope', async () => {
    const response = await api.referringDomainsLive([
      new BacklinksReferringDomainsLiveRequestInfo({ target: 'example.com', filters: ['no_such_field', '=', 1] }),
    ]);
    expect(response?.status_code).toBe(20000);
    expect(response?.tasks?.[0]?.status_code).not.toBe(20000);
    expect(response?.tasks_error).toBe(1);
  });
});
