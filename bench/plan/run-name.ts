import { sameScenario, type Scenario } from '../../results/scenario.js';
import type { GivenFlags } from './scenarios.js';
import { withField } from './scenarios.js';

/**
 * What a bench is called, in its folder name and its report: the preset it ran, or "custom" when a scenario flag
 * changed the preset's scenarios (`--clients 500`, `--source redis`). Strategies are not part of the scenario:
 * `--strategies websocket` still runs the quick preset's scenario, and keeps its name.
 */
export interface RunName {
  /** The folder's name after its time: "quick", "custom-source-redis", "custom-standard-clients-5". */
  folder: string;
  /** The settings the flags changed, in words ("Redis source", "500 clients"); empty: the preset as it is. */
  changed: string[];
}

/** Past this a folder name is cut: the results hold the whole scenario, the name only has to tell runs apart. */
const MAX_FOLDER_CHARS = 80;

/**
 * The name of a bench of `preset` whose scenarios became `scenarios` once the flags `given` were applied. A flag
 * that set a field to what the preset already had changes nothing and is not named.
 */
export function runName(
  preset: { name: string; scenarios: readonly Scenario[] },
  given: GivenFlags,
  scenarios: readonly Scenario[],
  isDefault: boolean,
): RunName {
  const unchanged = scenarios.length === preset.scenarios.length && scenarios.every((scenario, i) => sameScenario(scenario, preset.scenarios[i]));
  if (unchanged) return { folder: preset.name, changed: [] };
  const flags = [...given.values()].filter(({ field, values }) =>
    preset.scenarios.some((scenario) => values.some((value) => !sameScenario(withField(scenario, field, value), scenario))),
  );
  const base = preset.scenarios[0];
  const changed = flags.map(({ field, values }) => values.map((value) => field.say(withField(base, field, value))).join(' / '));
  const parts = flags.map(({ field, values }) => `${field.flag.name}-${values.join('+')}`);
  const folder = ['custom', ...(isDefault ? [] : [preset.name]), ...parts].join('-').replace(/[^A-Za-z0-9.+_-]/g, '-');
  return { folder: folder.slice(0, MAX_FOLDER_CHARS).replace(/-+$/, ''), changed };
}
