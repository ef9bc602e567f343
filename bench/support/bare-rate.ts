import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { BenchDatabase } from './database';
import { lastLineOf } from './processes';
import { ROOT } from './servers';

function which(command: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * A fresh database `name` on the benchmark's PostgreSQL with the acceptance check's tables
 * (../shared/acceptance/performance-rush: one session of `capacity` places, its reservations) and
 * `extraSql` run after them; its URL, as the owner.
 */
export async function scratchDatabase(db: BenchDatabase, name: string, capacity: number, extraSql = '') {
  await db.owner.query(`drop database if exists ${name}`);
  await db.owner.query(`create database ${name}`);
  const url = new URL(db.ownerUrl);
  url.pathname = `/${name}`;
  const scratch = new Client({ connectionString: url.toString() });
  await scratch.connect();
  try {
    await scratch.query(`create table sessions(id int primary key, capacity int not null, places_taken int not null,
      check (places_taken <= capacity));
      create table reservations(id bigserial primary key, session_id int not null, child bigint not null,
      unique (session_id, child));
      insert into sessions values (1, ${Number(capacity)}, 0);
      ${extraSql}`);
  } finally {
    await scratch.end();
  }
  return url;
}

/** The bare booking rate (pg, separate process) and pgbench's, in a scratch database. */
export async function bareBookingRate(db: BenchDatabase, workDir: string, clients: number, seconds: number) {
  const url = await scratchDatabase(db, 'rawbench', 1_000_000_000);
  const bare = JSON.parse(
    await lastLineOf('rush-bare', process.execPath, [
      path.join(ROOT, 'dist/bench/rush-bare.js'),
      url.toString(),
      String(clients),
      String(seconds),
    ]),
  );
  let pgbench: number | null = null;
  if (which('pgbench')) {
    const script = path.join(workDir, 'book.sql');
    fs.writeFileSync(
      script,
      `\\set child random(1, 1000000000000)
BEGIN;
INSERT INTO reservations(session_id, child) VALUES (1, :child) ON CONFLICT DO NOTHING;
UPDATE sessions SET places_taken = places_taken + 1 WHERE id = 1 AND places_taken < capacity;
COMMIT;
`,
    );
    const out = await lastLineOf('pgbench', 'sh', [
      '-c',
      `pgbench -n -f '${script}' -c ${clients} -j 2 -T ${seconds} '${url}' 2>/dev/null | grep '^tps'`,
    ]);
    pgbench = Math.round(Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN));
  }
  await db.owner.query('drop database rawbench with (force)');
  await db.owner.query('checkpoint');
  return { bare, pgbench };
}
