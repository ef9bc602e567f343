#!/usr/bin/env node
// The dashboard's end-to-end test drives Debian's Chromium (playwright-core, executablePath).
// Finds it (CHROMIUM_PATH, or /usr/bin/chromium), else installs it with apt-get when this runs as
// root on Debian (CI, a fresh machine), else says what to do. Prints the path.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  Boolean,
);
const found = () => candidates.find((p) => fs.existsSync(p));

if (!found()) {
  const root = process.getuid?.() === 0;
  const apt = fs.existsSync('/usr/bin/apt-get');
  if (!root || !apt) {
    console.error(
      'Chromium is needed by the dashboard test: install Debian\'s "chromium" package (apt-get install chromium) or set CHROMIUM_PATH.',
    );
    process.exit(1);
  }
  console.error("Installing Debian's chromium for the dashboard test (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env,
    });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    install();
  }
}
const path = found();
if (!path) {
  console.error('Chromium could not be installed: set CHROMIUM_PATH.');
  process.exit(1);
}
console.log(path);
