/**
 * The suite's temporary folder: every test, and every process a test starts, writes its
 * temporary files under one folder of this run (vitest.config.ts sets TMPDIR to it), removed when
 * the run ends. Test files make hundreds of `mkdtemp` folders (stores, outputs, Chromium
 * profiles, PostgreSQL and Redis data) and many are not removed one by one: 17,800 had piled up
 * in /tmp over one day of runs, and every Chromium start reads the temporary folder for dead
 * profiles (src/pdf/spawn.ts). A run that is killed leaves its one folder.
 */
import { rmSync } from 'node:fs';

export const RUN_TMP_VARIABLE = 'LINKBOOK_TEST_RUN_TMP';

export function teardown(): void {
  const folder = process.env[RUN_TMP_VARIABLE];
  if (folder) rmSync(folder, { recursive: true, force: true });
}
