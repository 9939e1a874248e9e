/**
 * The headless Chromium the capacity picture's browser test drives, as scripts/install-chromium.sh
 * installs it (a step of its own in .ci/run; tests never install). Outside CI a missing browser
 * skips the test with a loud reason; in CI (CI=true) it is an error, so a green CI always means the
 * picture was rendered.
 */
import { spawnSync } from 'node:child_process';
import { ROOT } from './schemas';

export const INSTALL_HINT = 'run `npm run setup:chromium` (scripts/install-chromium.sh: apt-get install chromium) or set CHROMIUM_PATH';

/** The browser binary scripts/install-chromium.sh finds (CHROMIUM_PATH, else chromium on PATH), or undefined. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const r = spawnSync('bash', [`${ROOT}/scripts/install-chromium.sh`, '--print-path'], { encoding: 'utf8', env });
  const found = r.status === 0 ? r.stdout.trim() : '';
  return found || undefined;
}

export type ChromiumChoice = { run: true; path: string } | { run: false; reason: string };

/** Whether the browser test runs; throws in CI when the browser is missing. */
export function chromiumChoice(env: NodeJS.ProcessEnv = process.env): ChromiumChoice {
  const path = findChromium(env);
  if (path) return { run: true, path };
  if (env.CI === 'true') throw new Error(`chromium is missing in CI (CI=true): the capacity picture's browser test cannot be skipped there; ${INSTALL_HINT}`);
  return { run: false, reason: `SKIPPED: chromium not found, so the capacity picture was NOT checked in a browser; ${INSTALL_HINT}` };
}
