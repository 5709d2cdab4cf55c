import { writeFileSync } from 'node:fs';

export interface LedgerEntry {
  name: string;
  pid: number;
  /** Path or name of the binary, checked against /proc/<pid>/cmdline before a reaper kills. */
  executable: string;
  signal: NodeJS.Signals;
}

/**
 * The pids of the servers started for one environment, mirrored to a JSON file so that a
 * detached reaper process (./reaper.ts) can kill them if the test runner is killed.
 */
export class ProcessLedger {
  private readonly entries = new Map<number, LedgerEntry>();

  constructor(readonly file: string) {
    this.flush();
  }

  add(entry: LedgerEntry): void {
    this.entries.set(entry.pid, entry);
    this.flush();
  }

  remove(pid: number): void {
    if (this.entries.delete(pid)) this.flush();
  }

  list(): LedgerEntry[] {
    return [...this.entries.values()];
  }

  /** Last-resort synchronous kill, used from a process 'exit' handler. */
  killAll(): void {
    for (const entry of this.entries.values()) {
      try {
        process.kill(entry.pid, entry.signal);
      } catch {
        // already gone
      }
    }
  }

  private flush(): void {
    try {
      writeFileSync(this.file, JSON.stringify(this.list()));
    } catch {
      // the base dir is being removed during teardown
    }
  }
}
