// `npm run build`: compiles with tsc (decorator metadata: no esbuild/tsx) and stamps dist.
// `--if-stale` (npm start, token, api-key, db:*): compiles only when a source, a tsconfig or the
// dependencies changed since the last build, so a command answers at once when nothing did.
// `--check`: exits 0 when the build is up to date, 1 when it is stale, compiling nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// GUICHET_BUILD_STAMP: another stamp file (tests check staleness without touching dist).
const STAMP = process.env.GUICHET_BUILD_STAMP ?? path.join(ROOT, 'dist', '.build-stamp');
const INPUTS = [
  'src',
  'seeds',
  'bench',
  'drills',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];

/** The newest modification time among the inputs (folders too: a deleted file changes its folder). */
function newestInput() {
  let newest = 0;
  const visit = (file) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of fs.readdirSync(file)) visit(path.join(file, name));
  };
  for (const input of INPUTS) visit(path.join(ROOT, input));
  return newest;
}

function stampTime() {
  try {
    return fs.statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

const upToDate = () => stampTime() >= newestInput();
if (process.argv.includes('--check')) process.exit(upToDate() ? 0 : 1);
if (process.argv.includes('--if-stale') && upToDate()) process.exit(0);

const started = new Date();
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
// The demo tenants' declarative catalogues (seeds/bootstrap/*.yaml) beside the compiled seed, which reads them.
const catalogues = path.join(ROOT, 'seeds', 'bootstrap');
fs.mkdirSync(path.join(ROOT, 'dist', 'seeds', 'bootstrap'), { recursive: true });
for (const name of fs.readdirSync(catalogues).filter((n) => /\.ya?ml$/.test(n))) {
  fs.copyFileSync(path.join(catalogues, name), path.join(ROOT, 'dist', 'seeds', 'bootstrap', name));
}
// Stamped with the time the build started: a file saved during the build is newer, and rebuilt next time.
fs.mkdirSync(path.dirname(STAMP), { recursive: true });
fs.writeFileSync(STAMP, `${started.toISOString()}\n`);
fs.utimesSync(STAMP, started, started);
