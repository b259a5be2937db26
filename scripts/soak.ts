/**
 * The soak of `linkbook schedule` at any size (issue 18): `npm run soak -- --slots 200 --clients 25`.
 * Options: --slots N (weekly slots, default 200), --clients N (default 25), --pdf-clients N (default
 * a fifth of the clients), --fault-rate R (default 0.05), --seed N, --smtp-down-slot N (default 3),
 * --rss-limit-mb N (allowed RSS growth from slot 10 to the last, default 150). Prints a line per
 * slot, then the figures; exits 1 when a promise was broken (each printed).
 */
import { parseArgs } from 'node:util';
import { describeSoak, runSoak, soakViolations } from '../test/soak/harness.ts';

const { values } = parseArgs({
  options: {
    slots: { type: 'string', default: '200' },
    clients: { type: 'string', default: '25' },
    'pdf-clients': { type: 'string' },
    'fault-rate': { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '18' },
    'smtp-down-slot': { type: 'string', default: '3' },
    'rss-limit-mb': { type: 'string', default: '150' },
  },
});
const clients = Number(values.clients);
const result = await runSoak({
  slots: Number(values.slots),
  clients,
  pdfClients:
    values['pdf-clients'] !== undefined ? Number(values['pdf-clients']) : Math.max(1, Math.round(clients / 5)),
  faultRate: Number(values['fault-rate']),
  seed: Number(values.seed),
  smtpDownSlot: Number(values['smtp-down-slot']),
  progress: (line) => console.log(line),
});
for (const line of describeSoak(result)) console.log(line);
const violations = soakViolations(result, Number(values['rss-limit-mb']));
for (const line of violations) console.log(`BROKEN: ${line}`);
if (result.warnings.length > 0)
  console.log(
    `warnings (first ${Math.min(5, result.warnings.length)} of ${result.warnings.length}):\n  ${result.warnings.slice(0, 5).join('\n  ')}`,
  );
process.exit(violations.length > 0 ? 1 : 0);
