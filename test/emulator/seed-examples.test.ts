/**
 * Every v3 and DataForSEO example request in the seeds, sent to the emulator over real HTTP.
 * The requests are parsed out of verbatim copies of the seeds' examples
 * (test/fixtures/seed-examples/, README.md there says which seed lines each came from): seed 004's
 * curl, PHP, Node, Python and C# examples become the JSON body each one sends; seed 002 has no
 * example request, so its required parameters and each documented value of its enumerated
 * parameters are probed. Each answer must be accepted and have the documented shape: the fields,
 * in order, of seed 004's example response, and for v3 the fields and types of seed 002's
 * response schema.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import { BASIC, emulator, fixture, v3 } from './helpers.ts';

const read = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/seed-examples/${name}`, import.meta.url)), 'utf8');

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

/** The text between `start` and the first `end` after it. */
function cut(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  if (from === -1) throw new Error(`'${start}' not in the example`);
  const to = text.indexOf(end, from + start.length);
  if (to === -1) throw new Error(`'${end}' not after '${start}'`);
  return text.slice(from + start.length, to);
}

/** The body each seed 004 example sends, as the JSON text its client would put on the wire. */
const DATAFORSEO_BODIES: Record<string, () => unknown> = {
  // curl --data-raw "[ ... ]": the seed's text between the quotes is the JSON array itself
  curl: () => JSON.parse(cut(read('dataforseo-004-curl.sh'), '--data-raw "', ']"') + ']'),
  // $post_array[] = array("k" => v, ...): RestClient json_encodes the list of one associative array
  php: () => {
    const entries = cut(read('dataforseo-004-php.php'), '$post_array[] = array(', ');');
    return [JSON.parse(`{${entries.replace(/=>/g, ':')}}`)];
  },
  // post_array.push({ ... }): a JSON object literal; axios sends the array as JSON
  node: () => [JSON.parse(cut(read('dataforseo-004-node.js'), 'post_array.push(', ');'))],
  // post_data[len(post_data)] = dict(k=v, ...): a dict keyed 0, which json.dumps sends as {"0": {...}}
  python: () => {
    const kwargs = cut(read('dataforseo-004-python.py'), 'post_data[len(post_data)] = dict(', '\n)');
    const json = kwargs
      .replace(/^(\s*)(\w+)=/gm, '$1"$2": ')
      .replace(/\bTrue\b/g, 'true')
      .replace(/\bFalse\b/g, 'false');
    return { '0': JSON.parse(`{${json}}`) };
  },
  // postData.Add(new { k = v, ... }): Newtonsoft serialises the anonymous object, `new object[] {}` as arrays
  csharp: () => [JSON.parse(csharpToJson(cut(read('dataforseo-004-csharp.cs'), 'postData.Add(new', ');')))],
};

/** A C# anonymous-object initialiser as JSON: `k = v` pairs, `new object[] { ... }` arrays. */
function csharpToJson(source: string): string {
  const keyed = source.replace(/(^|[{,]\s*)(\w+)\s*=\s*/g, '$1"$2": ');
  const closers: string[] = [];
  let out = '';
  for (let i = 0; i < keyed.length; i++) {
    const array = /^new object\[\]\s*\{/.exec(keyed.slice(i));
    if (array) {
      closers.push(']');
      out += '[';
      i += array[0].length - 1;
    } else if (keyed[i] === '{') {
      closers.push('}');
      out += '{';
    } else if (keyed[i] === '}') {
      out += closers.pop() ?? '}';
    } else {
      out += keyed[i];
    }
  }
  return out;
}

function keysOf(value: unknown): string[] {
  return Object.keys(value as Record<string, unknown>);
}

describe("seed 004's example requests against the emulator", () => {
  const seed = fixture('seed-004-referring_domains-response.json');
  const seedTask = seed.tasks[0];
  const seedResult = seedTask.result[0];
  const seedItem = seedResult.items[0];

  it.each(Object.keys(DATAFORSEO_BODIES))('accepts the %s example with the documented response shape', async (name) => {
    const body = DATAFORSEO_BODIES[name]!();
    const task = (Array.isArray(body) ? body[0] : (body as Record<string, unknown>)['0']) as Record<string, unknown>;
    // every example asks for backlinko.com, rank order, five items
    expect(task).toMatchObject({ target: 'backlinko.com', limit: 5, order_by: ['rank,desc'] });
    const res = await fetch(`${e.origin}/v3/backlinks/referring_domains/live`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const json = JSON.parse(await res.text());
    expect(json.status_code, json.status_message).toBe(20000);
    expect(keysOf(json)).toEqual(keysOf(seed));
    expect(json.tasks_count).toBe(1);
    expect(json.tasks_error).toBe(0);
    const answered = json.tasks[0];
    expect(answered.status_code, answered.status_message).toBe(20000);
    expect(keysOf(answered)).toEqual(keysOf(seedTask));
    expect(answered.path).toEqual(seedTask.path);
    // data echoes the task as sent, with the api and function the seed shows
    expect(answered.data).toMatchObject({ api: 'backlinks', function: 'referring_domains', ...task });
    const result = answered.result[0];
    expect(keysOf(result)).toEqual(keysOf(seedResult));
    expect(result.target).toBe('backlinko.com');
    expect(result.items.length).toBeGreaterThan(0);
    expect(result.items.length).toBeLessThanOrEqual(5);
    expect(result.items_count).toBe(result.items.length);
    expect(result.total_count).toBeGreaterThanOrEqual(result.items_count);
    for (const item of result.items) expect(keysOf(item)).toEqual(keysOf(seedItem));
    const ranks = result.items.map((i: { rank: number }) => i.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(typeof answered.cost).toBe('number');
    expect(json.cost).toBe(answered.cost);
  });

  it('reads the filter each example sets (Python: referring_domains > 10; the others: backlinks > 100)', async () => {
    for (const [name, build] of Object.entries(DATAFORSEO_BODIES)) {
      const body = build();
      const res = await fetch(`${e.origin}/v3/backlinks/referring_domains/live`, {
        method: 'POST',
        headers: { authorization: BASIC, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const items = JSON.parse(await res.text()).tasks[0].result[0].items as Array<Record<string, number>>;
      const [field, threshold] = name === 'python' ? ['referring_domains', 10] : ['backlinks', 100];
      for (const item of items) expect(item[field], `${name}: ${field}`).toBeGreaterThan(threshold);
    }
  });
});

/** Seed 002's response schema: each field's documented type (`ahrefs_rank_sourceinteger` lines). */
function responseSchema(): Map<string, { type: string; nullable: boolean }> {
  const fields = new Map<string, { type: string; nullable: boolean }>();
  for (const line of read('ahrefs-v3-002-response-schema.txt').split('\n')) {
    const m = /^([a-z_0-9]+?)(integer|number|string|boolean|array|object)( or null)?$/.exec(line.trim());
    if (m && m[1] !== 'backlinks') fields.set(m[1]!, { type: m[2]!, nullable: m[3] !== undefined });
  }
  return fields;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

describe("seed 002's documented parameters against the emulator", () => {
  const parameters = JSON.parse(read('ahrefs-v3-002-parameters.json')) as {
    path: string;
    required: string[];
    allowed: Record<string, string[]>;
    history: string[];
    defaults: Record<string, string>;
  };
  const schema = responseSchema();
  const select = [...schema.keys()].join(',');

  it('holds the allowed values and defaults as the seed text writes them', () => {
    const text = read('ahrefs-v3-002-query-parameters.txt');
    for (const values of Object.values(parameters.allowed)) expect(text).toContain(`Allowed values:${values.join('')}`);
    for (const value of Object.values(parameters.defaults)) expect(text).toContain(`Default:${value}`);
    for (const name of parameters.required) expect(text).toContain(`${name}stringRequired`);
    expect(schema.size).toBeGreaterThan(70);
  });

  it('answers the required parameters alone with every response-schema field, typed as documented', async () => {
    const answer = await v3(e.origin, 'all-backlinks', { target: 'backlinko.com', select, limit: '50' });
    expect(answer.status).toBe(200);
    expect(keysOf(answer.json)).toEqual(['backlinks']);
    expect(answer.json.backlinks.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const row of answer.json.backlinks as Array<Record<string, unknown>>) {
      expect(keysOf(row)).toEqual([...schema.keys()]);
      for (const [field, { type, nullable }] of schema) {
        const value = row[field];
        if (!(hasType(value, type) || (nullable && value === null)))
          wrong.push(`${field}=${JSON.stringify(value)} (${type})`);
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
    for (const header of ['x-api-rows', 'x-api-units-cost-row', 'x-api-units-cost-total-actual', 'x-api-cache'])
      expect(answer.headers.get(header), header).not.toBeNull();
  });

  const probes: Array<[string, string]> = [
    ...Object.entries(parameters.allowed)
      .filter(([name]) => name !== 'output')
      .flatMap(([name, values]) => values.map((value): [string, string] => [name, value])),
    ...parameters.history.map((value): [string, string] => ['history', value]),
    ['output', 'json'],
  ];
  it.each(probes)('accepts %s=%s', async (name, value) => {
    const answer = await v3(e.origin, 'all-backlinks', {
      target: 'backlinko.com',
      select: 'url_from,url_to,domain_rating_source,is_dofollow',
      limit: '20',
      [name]: value,
    });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(keysOf(answer.json)).toEqual(['backlinks']);
    for (const row of answer.json.backlinks)
      expect(keysOf(row)).toEqual(['url_from', 'url_to', 'domain_rating_source', 'is_dofollow']);
  });
});
