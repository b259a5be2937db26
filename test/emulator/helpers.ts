/** Shared test wiring: one emulator per test file, fetch helpers for each API. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.ts';

export const AS_OF = '2025-06-02';

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ asOf: AS_OF, faults: '', ...options });
}

export interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) };
}

/** GET the v2 API with the given query parameters (token `t0ken` unless given). */
export async function v2(
  origin: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const query = new URLSearchParams({ token: 't0ken', output: 'json', ...params });
  return answerOf(await fetch(`${origin}/?${query}`, { headers }));
}

export async function v3(
  origin: string,
  endpoint: string,
  params: Record<string, string>,
  headers: Record<string, string> = { authorization: 'Bearer key-123' },
): Promise<Answer> {
  return answerOf(await fetch(`${origin}/v3/site-explorer/${endpoint}?${new URLSearchParams(params)}`, { headers }));
}

export const BASIC = `Basic ${Buffer.from('login:password').toString('base64')}`;

export async function dfs(
  origin: string,
  fn: string,
  tasks: unknown,
  headers: Record<string, string> = { authorization: BASIC },
): Promise<Answer> {
  return answerOf(
    await fetch(`${origin}/v3/backlinks/${fn}/live`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof tasks === 'string' ? tasks : JSON.stringify(tasks),
    }),
  );
}

export function fixture(name: string): any {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/emulator/${name}`, import.meta.url)), 'utf8'));
}
