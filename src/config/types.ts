/** The loaded configuration: validated once, frozen, and passed explicitly to whoever needs it. */
import type { Problem } from '../errors.js';
import type { Aliases, RuleConfig, Settings, SourceConfig, SubscriptionConfig } from './schema.js';

export type { Aliases, ChannelConfig, RuleConfig, Settings, SourceConfig, SubscriptionConfig } from './schema.js';

export interface Location {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Config {
  readonly dir: string;
  readonly sources: readonly SourceConfig[];
  readonly aliases: Aliases;
  readonly rules: readonly RuleConfig[];
  readonly subscriptions: readonly SubscriptionConfig[];
  readonly settings: Settings;
  /** Values that must never reach a log: env-substituted values and secret-bearing settings. */
  readonly secrets: readonly string[];
  /** Valid but will not work as written (e.g. a source URL at a private address): `belwatch validate` prints them. */
  readonly warnings: readonly Problem[];
  /** Where rule `ruleId`'s query was written, `offset` characters into the query. */
  readonly locateQuery: (ruleId: string, offset: number) => Location;
  /** Where any value of a file was written, by its path inside that file. */
  readonly locate: (file: ConfigFileName, path: readonly PropertyKey[]) => Location;
}

export type ConfigFileName = 'sources.yaml' | 'rules.yaml' | 'subscriptions.yaml' | 'settings.yaml';
