import { SCENARIO_FIELDS, scenarioValue, type Scenario, type ScenarioField } from '../../results/scenario.js';

/** The help of the scenario flags, written from the field table: what each sets, what it takes, its default. */

const FLAG_COLUMN = 30;
const WIDTH = 112;

/** What a flag takes: "1..10000", "memory | redis, a list runs each" (docs/bench.md separates choices with commas). */
export function flagValues(field: ScenarioField, separator = ' | '): string {
  const { parse, list } = field.flag;
  const values = parse.kind === 'number' ? `${parse.min}..${parse.max}` : parse.values.join(separator);
  return list ? `${values}, a list runs each` : values;
}

/** A field's value as the help and docs/bench.md show it: "100", "memory", "off" for no fault. */
export function shownValue(value: number | string | null): string {
  return value === null ? 'off' : String(value);
}

/** `--kill-server-at <s>` (and its older names). */
export function flagUsage(field: ScenarioField): string {
  return `--${field.flag.name} <${field.flag.placeholder}>`;
}

/** One entry per scenario flag, wrapped under its description column: the always-present fields with the quick preset's value. */
export function scenarioFlagHelp(quick: Scenario): string[] {
  return SCENARIO_FIELDS.flatMap((field) => {
    const aliases = (field.flag.aliases ?? []).map((alias) => `; also --${alias}`).join('');
    const fallback = field.default === undefined ? `quick: ${shownValue(scenarioValue(quick, field.key))}` : `default ${shownValue(field.default)}`;
    return wrap(`  ${flagUsage(field)}`.padEnd(FLAG_COLUMN) + `${field.description}; ${flagValues(field)}${aliases} (${fallback})`);
  });
}

function wrap(line: string): string[] {
  const lines: string[] = [];
  let rest = line;
  while (rest.length > WIDTH) {
    const cut = rest.lastIndexOf(' ', WIDTH);
    if (cut <= FLAG_COLUMN) break;
    lines.push(rest.slice(0, cut));
    rest = ' '.repeat(FLAG_COLUMN) + rest.slice(cut + 1);
  }
  return [...lines, rest];
}
