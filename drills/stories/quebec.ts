import type { DrillOptions } from '../main';
import { Timeline } from '../support/timeline';
import type { World } from '../support/world';

export async function quebec(world: World, options: DrillOptions) {
  const t = new Timeline('quebec', options.chaos, options.scale);
  await t.step('directory', async () => world.url);
  return t.result();
}
