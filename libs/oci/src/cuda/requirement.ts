import { Comparator, dslCompareVersion } from './versions';

/**
 * An `NVIDIA_REQUIRE_*` requirement evaluated exactly as the NVIDIA Container Toolkit does
 * when it starts a container: nvidia-container-runtime-hook hands every `NVIDIA_REQUIRE_*`
 * value to `nvidia-container-cli configure --require=…`, which evaluates it with
 * libnvidia-container's `dsl_evaluate` (src/cli/dsl.c; the properties in src/cli/configure.c,
 * NVIDIA/libnvidia-container):
 *  - space-separated alternatives (OR), each a comma-separated conjunction (AND); empty
 *    items are skipped; the first alternative that holds ends the evaluation;
 *  - each condition is `<property><operator><value>`, property case-insensitive among
 *    `cuda` (the CUDA version the driver reports), `driver` (the driver version), `arch`
 *    (the GPU's compute capability) and `brand` (its brand, `=`/`!=` only); operators
 *    `=`, `!=`, `<`, `<=`, `>`, `>=`; anything else makes the whole requirement invalid,
 *    and the toolkit refuses to start the container;
 *  - `arch` and `brand` hold when no device is known ("no device is visible, assume ok"):
 *    validation knows the fleet's driver, not which GPU an instance will get.
 */
export interface DriverFacts {
  /** The driver version, e.g. `550.54.15`. */
  readonly driver: string;
  /** The CUDA version it reports (major.minor), when known. */
  readonly cuda: string | undefined;
  /** The driver is newer than the table: it supports at least `cuda`, maybe more. */
  readonly cudaIsLowerBound: boolean;
}

export type Evaluation =
  | { readonly outcome: 'satisfied' }
  | { readonly outcome: 'unsatisfied' }
  /** The toolkit would answer "invalid expression" and refuse the container. */
  | { readonly outcome: 'invalid'; readonly expression: string };

/** Operators in libnvidia-container's order: the first whose text matches the operator characters wins. */
const OPERATORS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];

interface Condition {
  readonly property: string;
  readonly comparator: Comparator;
  readonly value: string;
}

/** Splits `cuda>=12.4` as `evaluate_rule` does; undefined when it is not a condition. */
export function parseCondition(expression: string): Condition | undefined {
  const nameLength = expression.search(/[<>=!]/);
  if (nameLength <= 0) return undefined;
  const operatorText = /^[<>=!]+/.exec(expression.slice(nameLength))?.[0] ?? '';
  const comparator = OPERATORS.find((op) => op.length >= operatorText.length && op.startsWith(operatorText));
  const value = expression.slice(nameLength + operatorText.length);
  if (!comparator || value === '') return undefined;
  return { property: expression.slice(0, nameLength).toLowerCase(), comparator, value };
}

/** One condition against the driver: true, false, or 'invalid'. */
function check(condition: Condition, facts: DriverFacts): boolean | 'invalid' {
  switch (condition.property) {
    case 'driver':
      return dslCompareVersion(facts.driver, condition.comparator, condition.value);
    case 'cuda': {
      if (facts.cuda === undefined) return true; // the toolkit: no CUDA version known, assume ok
      const result = dslCompareVersion(facts.cuda, condition.comparator, condition.value);
      // A driver newer than the table may support a CUDA version the table does not list yet.
      if (result === false && facts.cudaIsLowerBound && (condition.comparator === '>=' || condition.comparator === '>')) return true;
      return result;
    }
    case 'arch':
      return true;
    case 'brand':
      return condition.comparator === '=' || condition.comparator === '!=' ? true : 'invalid';
    default:
      return 'invalid';
  }
}

/** Evaluates one requirement (the value of one `NVIDIA_REQUIRE_*` variable) like `dsl_evaluate`. */
export function evaluateRequirement(requirement: string, facts: DriverFacts): Evaluation {
  let satisfied = true;
  for (const alternative of requirement.split(' ')) {
    if (alternative === '') continue;
    let completed = true;
    for (const expression of alternative.split(',')) {
      if (expression === '') continue;
      const condition = parseCondition(expression);
      const result = condition ? check(condition, facts) : 'invalid';
      if (result === 'invalid') return { outcome: 'invalid', expression };
      satisfied = result;
      if (!result) {
        completed = false;
        break;
      }
    }
    if (completed) break;
  }
  return { outcome: satisfied ? 'satisfied' : 'unsatisfied' };
}

/** Every requirement must hold (the toolkit passes one `--require` per variable). */
export function evaluateAll(requirements: readonly string[], facts: DriverFacts): Evaluation {
  for (const requirement of requirements) {
    const evaluation = evaluateRequirement(requirement, facts);
    if (evaluation.outcome !== 'satisfied') return evaluation;
  }
  return { outcome: 'satisfied' };
}

/** The driver versions a requirement names (`driver>=470` → 470): where its truth can change. */
export function mentionedDrivers(requirements: readonly string[]): string[] {
  const found: string[] = [];
  for (const requirement of requirements) {
    for (const expression of requirement.split(/[ ,]/)) {
      const condition = expression ? parseCondition(expression) : undefined;
      if (condition?.property === 'driver' && /^[0-9.]+$/.test(condition.value)) found.push(condition.value);
    }
  }
  return found;
}
