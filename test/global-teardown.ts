import fs from 'node:fs';
import type { EmbeddedDatabase } from '../src/db/embedded';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as { __GUICHET_PG__?: { embedded: EmbeddedDatabase; dataDir: string } })
    .__GUICHET_PG__;
  if (!state) return;
  await state.embedded.stop();
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
