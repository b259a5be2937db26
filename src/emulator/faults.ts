/**
 * Faults for tests, switched on per request with the `x-emulator-fault` header or per process with
 * `LINKBOOK_EMULATOR_FAULTS` (or the `faults` option). One syntax for both:
 *
 *   faults := fault ("," fault)*
 *   fault  := name ["=" value] (";" key "=" value)*
 *
 *   latency=300          wait 300 ms before answering (combines with any other fault)
 *   429;retry-after=2    HTTP 429 with `Retry-After: 2` (default 1)
 *   5xx | 500 | 503 ...  that server error (5xx means 500)
 *   truncate             the answer's body cut in half, then the connection dropped
 *   no-credit            v2 `no credit`; v3 and DataForSEO their own "out of units/money" answer
 *   task-error;code=N    DataForSEO: the task fails (default 50000) inside a 20000 envelope
 *   40202                DataForSEO: rate limited, status 40202 inside an HTTP 200
 *
 * Options on any fault: `first=N` (only the first N requests it applies to, counted per process;
 * useful in the env var: `429;first=2` makes a client retry twice and then succeed) and
 * `api=ahrefs-v2|ahrefs-v3|dataforseo` (only requests to that API).
 */
import { LinkbookError } from '../errors.ts';
import type { EmulatedApi } from './answer.ts';

export type FaultName = 'latency' | '429' | '5xx' | 'truncate' | 'no-credit' | 'task-error' | '40202';

export interface Fault {
  name: FaultName;
  /** latency: ms; 5xx: the status; task-error: the task status code. */
  value?: number;
  retryAfter?: number;
  first?: number;
  api?: EmulatedApi;
}

const APIS: readonly EmulatedApi[] = ['ahrefs-v2', 'ahrefs-v3', 'dataforseo'];

/** Parses a fault list; throws an `invalid` LinkbookError naming the part it cannot read. */
export function parseFaults(spec: string | undefined): Fault[] {
  if (spec === undefined || spec.trim() === '') return [];
  return spec.split(',').map((part) => parseFault(part.trim()));
}

function parseFault(part: string): Fault {
  const [head = '', ...options] = part.split(';').map((s) => s.trim());
  const [rawName = '', rawValue] = head.split('=').map((s) => s.trim());
  const fault = faultOf(rawName, rawValue, part);
  for (const option of options) {
    const [key, value = ''] = option.split('=').map((s) => s.trim());
    if (key === 'retry-after' && /^\d+$/.test(value)) fault.retryAfter = Number(value);
    else if (key === 'first' && /^\d+$/.test(value)) fault.first = Number(value);
    else if (key === 'code' && /^\d+$/.test(value)) fault.value = Number(value);
    else if (key === 'ms' && /^\d+$/.test(value)) fault.value = Number(value);
    else if (key === 'api' && APIS.includes(value as EmulatedApi)) fault.api = value as EmulatedApi;
    else throw badFault(part);
  }
  return fault;
}

function faultOf(name: string, value: string | undefined, part: string): Fault {
  if (name === 'latency') {
    if (value !== undefined && !/^\d+$/.test(value)) throw badFault(part);
    return { name: 'latency', value: Number(value ?? 100) };
  }
  if (value !== undefined) throw badFault(part);
  if (name === '5xx') return { name: '5xx', value: 500 };
  if (/^5\d\d$/.test(name)) return { name: '5xx', value: Number(name) };
  if (name === '429' || name === 'truncate' || name === 'no-credit' || name === 'task-error' || name === '40202')
    return { name };
  throw badFault(part);
}

function badFault(part: string): LinkbookError {
  return new LinkbookError('invalid', `emulator fault '${part}' not understood`, {
    where: 'emulator faults',
    hint: 'Use latency=MS, 429[;retry-after=S], 5xx, truncate, no-credit, task-error[;code=N] or 40202, with optional ;first=N and ;api=NAME.',
  });
}

/** Process-wide faults with their `first=N` counters. */
export class FaultPlan {
  private readonly used = new Map<Fault, number>();

  constructor(private readonly faults: readonly Fault[]) {}

  /** The faults that apply to this request (consuming one use of each `first=N` fault that fires). */
  activeFor(api: EmulatedApi | null, requestFaults: readonly Fault[]): Fault[] {
    const active: Fault[] = [];
    for (const fault of [...this.faults, ...requestFaults]) {
      if (fault.api !== undefined && fault.api !== api) continue;
      if (fault.first !== undefined) {
        const used = this.used.get(fault) ?? 0;
        if (used >= fault.first) continue;
        this.used.set(fault, used + 1);
      }
      active.push(fault);
    }
    return active;
  }
}
