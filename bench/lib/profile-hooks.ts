/**
 * Preloaded (`node -r`) into a process under investigation (`npm run bench -- --profile`):
 * - SIGWINCH starts V8's CPU profiler (in-process inspector session), so boot is left out;
 * - SIGVTALRM stops it, writes the profile to BENCH_CPU_PROFILE and process.memoryUsage() plus
 *   V8's heap spaces to BENCH_MEMORY_REPORT, then exits.
 * Signals Nest's shutdown hooks ignore (they take SIGHUP and SIGUSR2, among others).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics } from 'node:v8';

const session = new Session();
session.connect();
const post = (method: string, params?: object) =>
  new Promise<Record<string, unknown>>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as Record<string, unknown>))),
  );
let profiling = false;

process.on('SIGWINCH', () => {
  profiling = true;
  void post('Profiler.enable').then(() => post('Profiler.start'));
});

process.on('SIGVTALRM', () => {
  const memoryFile = process.env.BENCH_MEMORY_REPORT;
  if (memoryFile) {
    const heapSpaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
    writeFileSync(memoryFile, JSON.stringify({ memoryUsage: process.memoryUsage(), heapSpaces }));
  }
  const profileFile = process.env.BENCH_CPU_PROFILE;
  if (!profiling || !profileFile) process.exit(0);
  post('Profiler.stop')
    .then(({ profile }) => writeFileSync(profileFile!, JSON.stringify(profile)))
    .finally(() => process.exit(0));
});
