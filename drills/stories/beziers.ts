import type { DrillOptions } from '../main';
import { Timeline } from '../support/timeline';
import type { World } from '../support/world';

export async function beziers(world: World, options: DrillOptions) {
  const t = new Timeline('beziers', options.chaos, options.scale);
  await t.step('directory', async () => world.url);
  return t.result();
}
