/**
 * Runs loads in bench/load-runner.ts: one child process for the whole run (started on first
 * use), fed one spec per line, so that no run pays for starting Node and autocannon.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface, Interface } from 'node:readline';
import type { LoadResult, LoadSpec } from '../load-runner';

export type { LoadResult, LoadSpec, LoadScenario } from '../load-runner';

let runner: { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string>; stderr: string[] } | undefined;
let queue: Promise<unknown> = Promise.resolve();

function startRunner(benchOutDir: string) {
  const child = spawn(process.execPath, [path.join(benchOutDir, 'bench/load-runner.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const reader: Interface = createInterface({ input: child.stdout, crlfDelay: Infinity });
  child.once('exit', () => (runner = undefined));
  return { child, lines: reader[Symbol.asyncIterator](), stderr };
}

/** One load at a time (runs never overlap). */
export function runLoad(benchOutDir: string, spec: LoadSpec): Promise<LoadResult> {
  const next = queue.then(async () => {
    runner ??= startRunner(benchOutDir);
    const current = runner;
    current.child.stdin.write(`${JSON.stringify(spec)}\n`);
    const line = await current.lines.next();
    if (line.done) throw new Error(`load runner exited: ${current.stderr.join('')}`);
    const answer = JSON.parse(line.value) as { result?: LoadResult; error?: string };
    if (!answer.result) throw new Error(`load runner failed: ${answer.error}`);
    return answer.result;
  });
  queue = next.catch(() => undefined);
  return next;
}

/** Ends the runner process (at the end of the run). */
export function stopLoadRunner(): void {
  runner?.child.stdin.end();
  runner = undefined;
}
