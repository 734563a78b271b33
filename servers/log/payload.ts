/**
 * Why a payload cannot be published. Thrown before anything is stored, so a refused publish leaves no trace in
 * the log.
 */
export class PayloadError extends Error {}

/**
 * Refuses a payload nested deeper than `maxDepth` arrays/objects. Iterative, so a hostile payload cannot
 * overflow the stack of the check itself; stops at the first level over the limit.
 */
export function checkPayloadDepth(payload: unknown, maxDepth: number): void {
  // Most payloads are a plain value: nothing to walk.
  if (typeof payload !== 'object' || payload === null) return;
  const stack: [value: unknown, depth: number][] = [[payload, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > maxDepth) throw new PayloadError(`payload is nested deeper than ${maxDepth} levels`);
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}
