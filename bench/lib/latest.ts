/**
 * bench/results/latest.md: a pointer to the newest complete full and quick runs. Each run's
 * table is kept once, in its own `<timestamp>-<mode>.md`; this file only links to them.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** `2026-11-26T22-25-48Z-full.md`; runs of some workloads only (`…-full-api.md`) do not count. */
const COMPLETE_RUN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-(full|quick)\.md$/;

export function writeLatestPointer(resultsDir: string): string {
  const newest: Record<string, string | undefined> = {};
  for (const name of readdirSync(resultsDir).sort()) {
    const mode = COMPLETE_RUN.exec(name)?.[1];
    if (mode) newest[mode] = name; // timestamps sort as text
  }
  const link = (name: string | undefined) => (name ? `[${name}](${name})` : 'none yet');
  const file = path.join(resultsDir, 'latest.md');
  writeFileSync(
    file,
    [
      '# Newest benchmark runs',
      '',
      `- Full (the figures to quote): ${link(newest.full)}`,
      `- Quick (a smoke check): ${link(newest.quick)}`,
      '',
      'Written by `npm run bench`. Each run is kept once, in its own file; this page only points at the newest.',
      '',
    ].join('\n'),
  );
  return file;
}
