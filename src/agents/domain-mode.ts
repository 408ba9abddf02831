import type { Mode } from '../core/trust';
import type { VaultModel } from '../core/vault-model';

/**
 * The domain's mode as the map computes it. Apart from the Gate so that what only decides (the
 * Claude Code hook) does not pull in the actor and its model client.
 */
export function modeOf(model: VaultModel, domainPath: string): Mode {
  const entry = model.computeMap().domains.find((d) => d.path === domainPath);
  // A domain missing from the map (it stopped being a domain mid-run) gets the safest mode.
  return entry?.mode ?? 'propose';
}
