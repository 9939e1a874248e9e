/**
 * What every command-line entry point (synth, check, diff, access) shares: flag parsing, how a
 * user's mistake is reported (all errors, exit 1, no stack trace), and the process exit.
 */
import { PLATFORM_FILE, PlatformError } from './platform';
import { ValidationError } from './validation';

/** The value after `--name`, if given. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : undefined;
}

/**
 * Prints tenant or platform errors and returns exit code 1; returns undefined for anything else
 * (a bug, which the caller rethrows). `consequence` says what the command did not do.
 */
export function reportUserError(err: unknown, consequence: string): number | undefined {
  if (err instanceof ValidationError) {
    for (const e of err.errors) console.error(String(e));
    console.error(`\n${err.errors.length} error(s); ${consequence}`);
    return 1;
  }
  if (err instanceof PlatformError) {
    for (const e of err.errors) console.error(String(e));
    // Tenant checks depend on the platform settings (bounds, identity, labels), so they wait for it.
    console.error(`\n${err.errors.length} error(s) in ${PLATFORM_FILE}; tenant files are checked once it is valid; ${consequence}`);
    return 1;
  }
  return undefined;
}

/** {@link reportUserError} for commands with no other expected failure: anything but a user's mistake is rethrown (a bug). */
export function userErrorExitCode(err: unknown, consequence: string): number {
  const code = reportUserError(err, consequence);
  if (code === undefined) throw err;
  return code;
}

/** Runs a command's main and exits with its code; an unexpected exception is a bug: exit 2 with its stack. */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => exitAfterFlush(code),
    (err: unknown) => {
      console.error('internal error (please report):', err);
      exitAfterFlush(2);
    },
  );
}

/**
 * Exits once stdout and stderr are flushed. Writes to a pipe are asynchronous in Node, so
 * `process.exit` right after a large report cut it short for `npm run access | less` or a test
 * reading the output (seen at ~200 KB); an empty write's callback runs after every earlier write.
 */
export function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
