/**
 * The `before` and `after` of an update event: the fields whose value differs, each with its
 * old and new value (compared by value, so arrays and objects with the same contents are equal).
 */
export function changedFields<T extends object>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const change: { before: Partial<T>; after: Partial<T> } = { before: {}, after: {} };
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(after[key]) === JSON.stringify(before[key])) continue;
    change.before[key] = before[key];
    change.after[key] = after[key];
  }
  return change;
}
