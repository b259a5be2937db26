/**
 * DataForSEO on a path it does not serve. Its appendix/errors page
 * (docs.dataforseo.com/v3/appendix/errors) says the servers "always return the 200 HTTP response
 * code, except for" 401, 402, 404 ("Not Found", "Requested endpoint not found") and 500, and lists
 * the internal status 40400 "Not Found.": so an unknown endpoint is an HTTP 404 whose body is still
 * DataForSEO's envelope with status_code 40400, never another API's `{"error": ...}`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import { BASIC, emulator } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

async function post(path: string, method = 'POST') {
  const res = await fetch(`${e.origin}${path}`, {
    method,
    headers: { authorization: BASIC, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify([{ target: 'example.com' }]) } : {}),
  });
  return { status: res.status, type: res.headers.get('content-type'), json: JSON.parse(await res.text()) };
}

describe('DataForSEO paths it does not serve', () => {
  it.each([
    ['/v3/backlinks/no_such_function/live', 'POST'],
    ['/v3/backlinks/referring_domains/task_post', 'POST'],
    ['/v3/backlinks/referring_domains/live', 'GET'],
  ])('answers %s (%s) with HTTP 404 and a 40400 envelope', async (path, method) => {
    const before = e.stats().billed.dataforseo_usd ?? 0;
    const answer = await post(path, method);
    expect(answer.status).toBe(404);
    expect(answer.type).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({ status_code: 40400, status_message: 'Not Found.', tasks_count: 0, cost: 0 });
    expect(Object.keys(answer.json)).toEqual([
      'version',
      'status_code',
      'status_message',
      'time',
      'cost',
      'tasks_count',
      'tasks_error',
      'tasks',
    ]);
    expect(answer.json.tasks).toEqual([]);
    expect(answer.json).not.toHaveProperty('error');
    expect(e.stats().billed.dataforseo_usd ?? 0).toBe(before);
  });

  it('still serves the paths it knows next to them', async () => {
    const answer = await post('/v3/backlinks/referring_domains/live');
    expect(answer.status).toBe(200);
    expect(answer.json.status_code).toBe(20000);
    expect(answer.json.tasks[0].status_code).toBe(20000);
  });
});
