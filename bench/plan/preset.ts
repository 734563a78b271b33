import type { Scenario } from '../../results/results.js';
import type { CapacityPlan } from './capacity-plan.js';

/** A named list of scenarios; each scenario is run once per selected strategy. */
export interface Preset {
  name: string;
  description: string;
  scenarios: readonly Scenario[];
  /** Strategies run when --strategies is not given; absent: pushbench's own, without the references. */
  strategies?: readonly string[];
  /** Capacity probes (autocannon against each HTTP endpoint) to run after the scenarios. */
  capacity?: CapacityPlan;
}
