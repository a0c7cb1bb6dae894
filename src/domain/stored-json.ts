// Records stored as JSON (the update log, the event feed) come back with their dates as
// ISO strings; every date field of our records is named `at` or `…At`.
const DATE_KEY = /^at$|At$/;

/** The stored JSON of a record, with its dates made Dates again (in place). */
export function reviveDates<T>(value: unknown): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const child = o[key];
      if (typeof child === 'string' && DATE_KEY.test(key)) o[key] = new Date(child);
      else if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return value as T;
}
