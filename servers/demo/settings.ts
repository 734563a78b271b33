import { EventEmitter } from 'node:events';
import { Refusal } from '../http/errors.js';
import { STACK_DEFAULTS } from '../contract/stack.js';
import { SETTING_CHOICES, type DemoSettings, type SettingsChange } from '../contract/demo-protocol.js';

export const DEFAULT_SETTINGS: DemoSettings = {
  // A message every 2 s with polls every second: most short polls come back empty, as the article says.
  tickerRate: 0.5,
  paused: false,
  pollIntervalMs: 1_000,
  networkDelayMs: 0,
  blockWebSocket: false,
  // Debian's pool, as the article's PHP application runs it.
  phpWorkers: STACK_DEFAULTS.phpWorkers,
  resetEpoch: 0,
};

const BOOLEAN_FIELDS = ['paused', 'blockWebSocket'] as const;
const CHOICE_FIELDS = Object.keys(SETTING_CHOICES) as (keyof typeof SETTING_CHOICES)[];
const KNOWN_FIELDS = new Set<string>([...BOOLEAN_FIELDS, ...CHOICE_FIELDS, 'reset']);

/** Checks a settings change from the page; anything unknown or off the sliders' scales is a 400. */
export function parseSettingsChange(body: unknown): SettingsChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Refusal('demoSettingsShape');
  }
  const change: SettingsChange = {};
  for (const [field, value] of Object.entries(body)) {
    if (!KNOWN_FIELDS.has(field)) throw new Refusal('demoUnknownSetting', { field });
    if (field === 'reset' || (BOOLEAN_FIELDS as readonly string[]).includes(field)) {
      if (typeof value !== 'boolean') throw new Refusal('demoSettingNotBoolean', { field });
      (change as Record<string, boolean>)[field] = value;
      continue;
    }
    const choices = SETTING_CHOICES[field as keyof typeof SETTING_CHOICES] as readonly number[];
    if (typeof value !== 'number' || !choices.includes(value)) {
      throw new Refusal('demoSettingNotChoice', { field, choices });
    }
    (change as Record<string, number>)[field] = value;
  }
  return change;
}

interface SettingsEvents {
  change: [settings: DemoSettings];
}

/** The one set of settings of a demo: the teacher changes it, every page and the ticker follow it. */
export class SettingsStore extends EventEmitter<SettingsEvents> {
  private current: DemoSettings;

  constructor(initial: Partial<DemoSettings> = {}) {
    super();
    this.current = { ...DEFAULT_SETTINGS, ...initial };
  }

  get(): DemoSettings {
    return { ...this.current };
  }

  apply(change: SettingsChange): DemoSettings {
    const { reset, ...values } = change;
    this.current = { ...this.current, ...values };
    if (reset) this.current.resetEpoch++;
    this.emit('change', this.get());
    return this.get();
  }
}
