/**
 * Rewrites the golden page references in test/golden/ from the bundled reports (npm run
 * golden:update). Run it when a change to the pages is intended, look at the PNGs, commit them.
 */
import { GOLDEN_DIR, renderGoldenPages, writeGoldenPages } from '../test/golden/pages.ts';

const pages = await renderGoldenPages();
writeGoldenPages(pages);
process.stdout.write(`wrote ${pages.size} golden pages to ${GOLDEN_DIR}\n`);
