import type { Scenario } from '../../results/results.js';
import type { CapacityPlan } from './capacity-plan.js';

export type RunFilter = (strategy: string, scenario: Scenario) => boolean;

/** A named list of scenarios; each scenario is run once per selected strategy. */
export interface Preset {
  name: string;
  description: string;
  scenarios: readonly Scenario[];
  /** Strategies run when --strategies is not given; absent: pushbench's own, without the references. */
  strategies?: readonly string[];
  /**
   * Which strategy runs in which of the scenarios (as the preset wrote them, flags applied); absent: every strategy
   * in every scenario. For a preset whose strategies need different settings (a pool only PHP has, a proxy only in
   * front of one of ours).
   */
  runsIn?: RunFilter;
  /** Capacity probes (autocannon against each HTTP endpoint) to run after the scenarios. */
  capacity?: CapacityPlan;
}
