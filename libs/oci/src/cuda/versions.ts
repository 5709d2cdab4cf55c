/**
 * Version comparison as libnvidia-container does it (`dsl_compare_version` in
 * src/cli/dsl.c of NVIDIA/libnvidia-container): only digits and dots, numeric by component,
 * trailing `.0` components ignored ("12.4" = "12.4.0"), anything else an invalid expression.
 */
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

const VERSION_TEXT = /^[0-9.]*$/;

/** The comparison's truth, or 'invalid' (the toolkit then refuses the whole requirement). */
export function dslCompareVersion(left: string, comparator: Comparator, right: string): boolean | 'invalid' {
  if (!VERSION_TEXT.test(left) || !VERSION_TEXT.test(right)) return 'invalid';
  let a = left;
  let b = right;
  while (a !== '' && b !== '') {
    const n1 = /^[0-9]+/.exec(a)?.[0];
    const n2 = /^[0-9]+/.exec(b)?.[0];
    if (n1 === undefined || n2 === undefined) return 'invalid';
    const difference = compareDigits(n1, n2);
    if (difference !== 0) {
      if (comparator === '=') return false;
      if (comparator === '!=') return true;
      return comparator === '<' || comparator === '<=' ? difference < 0 : difference > 0;
    }
    a = a.slice(n1.length).replace(/^\.+/, '');
    b = b.slice(n2.length).replace(/^\.+/, '');
  }
  // What is left of the longer one counts only if it has a non-zero digit.
  const restA = a.replace(/^[.0]+/, '');
  const restB = b.replace(/^[.0]+/, '');
  if (comparator === '!=') return restA !== '' || restB !== '';
  if (restA === '' && restB === '') return comparator === '=' || comparator === '<=' || comparator === '>=';
  if (comparator === '=') return false;
  if (comparator === '<' || comparator === '<=') return restA === '' && restB !== '';
  return restA !== '' && restB === '';
}

/** Total order for well-formed versions (digits and dots): negative, zero or positive. */
export function compareVersions(left: string, right: string): number {
  if (dslCompareVersion(left, '<', right) === true) return -1;
  if (dslCompareVersion(left, '>', right) === true) return 1;
  return 0;
}

/** Numeric comparison of two digit strings of any length. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `GPU_DRIVER_VERSION`-style driver versions: 550.54.15, 535.104.05, 570.26. */
export const DRIVER_VERSION = /^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$/;
