/**
 * Rule checks with file positions: checking the rules of a loaded `Config` (a config check, so
 * `belwatch validate` and every command refuse a broken query), compiling them once per load
 * (`compileConfigRules`, the service's processors), and loading a standalone rules.yaml-shaped
 * file for `belwatch match --rules FILE`.
 *
 * Every problem is reported as `FILE:LINE:COL: rule <id>: message`, the column being the query's
 * offset mapped into the file through the YAML source (plain, quoted and block scalars alike).
 * Failure behaviour: `checkRules` returns problems and never throws for a bad query;
 * `compileConfigRules` throws one `ConfigError` with every broken query; `loadRulesFile` throws one `ConfigError` with every problem (YAML, schema, then queries).
 */
import { ConfigError, RuleError, type Problem, type RuleProblem } from '../errors.js';
import { validateFile } from '../config/load.js';
import { rulesFileSchema } from '../config/schema.js';
import type { Config, Location } from '../config/types.js';
import { locateInScalar, locatePath, readYamlSource, scalarAt, type Env } from '../config/yaml-source.js';
import { compileRules, findRuleProblems } from './compile.js';
import type { CompiledRuleSet } from './types.js';

function locateProblems(problems: readonly RuleProblem[], locate: (p: RuleProblem) => Location): Problem[] {
  return problems.map((p) => ({ ...locate(p), message: `rule ${p.ruleId}: ${p.message}` }));
}

/** Checks the config's rules without keeping them compiled; returns each broken query as a located problem. */
export function checkRules(config: Config): Problem[] {
  return locateProblems(findRuleProblems(config.rules, config.aliases), (p) => config.locateQuery(p.ruleId, p.offset));
}

/** Compiles the config's rules (the one compile of a config load); a broken query throws a `ConfigError` located like `checkRules`'s. */
export function compileConfigRules(config: Config): CompiledRuleSet {
  try {
    return compileRules(config.rules, config.aliases);
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    throw new ConfigError(locateProblems(e.problems, (p) => config.locateQuery(p.ruleId, p.offset)));
  }
}

/** Reads, validates and compiles a rules.yaml-shaped file. */
export function loadRulesFile(file: string, env: Env = process.env): CompiledRuleSet {
  const problems: Problem[] = [];
  const src = readYamlSource(file, env, problems);
  const parsed = problems.length > 0 ? undefined : validateFile(src, rulesFileSchema, problems);
  if (!src || !parsed || problems.length > 0) throw new ConfigError(problems);
  const { rules, aliases } = parsed;
  try {
    return compileRules(rules, aliases);
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    throw new ConfigError(
      locateProblems(e.problems, (p) => {
        const i = rules.findIndex((r) => r.id === p.ruleId);
        const node = scalarAt(src, ['rules', i, 'query']);
        return { file, ...(node ? locateInScalar(src, node, p.offset) : locatePath(src, ['rules', i])) };
      }),
    );
  }
}
