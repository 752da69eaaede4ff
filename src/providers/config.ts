/**
 * shifts.yml validation with the registered providers' kinds of model: what every reader of a file
 * or of the config table calls. The rules themselves live in the provider-agnostic engine
 * (`src/schedule/config.ts`); this binds them to the registry.
 */
import { configRulesFor, parseConfigText, type SchedulerConfig, validateConfig } from '../schedule/config.ts';
import { type ProviderModel, providers } from './registry.ts';

/** A validated shifts.yml whose models are narrowed to the registered providers' own types. */
export type ShiftsConfig = SchedulerConfig<ProviderModel>;

/**
 * The validation rules of shifts.yml for the registered providers, for readers that validate with
 * the engine's `validateConfig` without knowing the providers (the config table's repository).
 */
export const shiftsRules = configRulesFor<ProviderModel>(providers.map((provider) => provider.modelKind));

/**
 * Reads shifts.yml text into a validated configuration.
 *
 * @param text - the file's content
 * @param source - the name shown in messages, usually the file path
 * @throws ValidationError with every problem, YAML syntax included, each naming its field path
 */
export const parseShiftsText = (text: string, source: string): ShiftsConfig =>
  parseConfigText(text, source, shiftsRules);

/**
 * Validates an already parsed document (YAML, or an item read back from the config table).
 *
 * @throws ValidationError naming `source` and every bad field
 */
export const validateShifts = (raw: unknown, source: string): ShiftsConfig =>
  validateConfig(raw, source, shiftsRules);
