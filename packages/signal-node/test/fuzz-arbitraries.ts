import * as fc from 'fast-check';

/**
 * Arbitraries for the hostile-input fuzz tests: values shaped like the wire schemas in
 * `@bilateral-base/core/protocol`, and mutations of them (wrong types, extra and
 * missing keys, huge and unusual strings, prototype-pollution keys, raw text that is
 * not JSON at all).
 */

/** Values that do not belong where a schema expects something else. */
export const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, 1e308, -0),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer().map(String),
  fc.integer({ min: 1000, max: 20_000 }).map((length) => 'x'.repeat(length)),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'OFFER', 'host-', ''),
);

/** Keys an attacker adds to objects, including the ones that pollute prototypes. */
export const strangeKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'src', 'type', 'dst'),
  fc.string({ maxLength: 12 }),
);

/** A JSON object path (keys and indices) and the value found there. */
type Path = (string | number)[];

function paths(value: unknown, prefix: Path = []): Path[] {
  const found: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, index) => found.push(...paths(item, [...prefix, index])));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      found.push(...paths(item, [...prefix, key]));
    }
  }
  return found;
}

/** Sets an own, enumerable property even for `__proto__`, so JSON.stringify writes it. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export type Mutation =
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: strangeValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: strangeKey,
    value: strangeValue,
  }),
);

/** A deep copy of `value` with one mutation applied at one of its paths. */
export function mutate(value: unknown, change: Mutation): unknown {
  const copy = structuredClone(value);
  const all = paths(copy);
  const path = all[change.at % all.length] ?? [];
  if (path.length === 0) {
    return change.kind === 'replace' ? change.value : copy;
  }
  let parent: unknown = copy;
  for (const part of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown>)[part];
  }
  const last = path[path.length - 1] as string | number;
  const container = parent as Record<string, unknown>;
  if (change.kind === 'replace') {
    setOwn(container, String(last), change.value);
  } else if (change.kind === 'delete') {
    if (Array.isArray(container)) {
      container.splice(Number(last), 1);
    } else {
      Reflect.deleteProperty(container, String(last));
    }
  } else {
    const target = container[String(last)];
    if (Array.isArray(target)) {
      target.push(change.value);
    } else if (typeof target === 'object' && target !== null) {
      setOwn(target as Record<string, unknown>, change.key, change.value);
    } else if (Array.isArray(container)) {
      // A named key on an array (such as "length") has no JSON form: add an item instead.
      container.push(change.value);
    } else {
      setOwn(container, change.key, change.value);
    }
  }
  return copy;
}

/** Raw text frames and bodies that are not a JSON object of the right shape. */
export function rawText(valid: fc.Arbitrary<unknown>, maxBytes: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom('', ' ', '{', '[', '"', 'null', 'true', '0', '[]', '{}', '{"type":}', '\u0000'),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    // A valid message cut short.
    fc.tuple(valid, fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value);
      return text.slice(0, cut % Math.max(1, text.length));
    }),
    // Deep nesting up to the size limit, as arrays and as objects.
    fc.integer({ min: 100, max: Math.floor(maxBytes / 6) }).map((depth) => {
      return '['.repeat(depth) + ']'.repeat(depth);
    }),
    fc.integer({ min: 100, max: Math.floor(maxBytes / 8) }).map((depth) => {
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    }),
    // Duplicate keys: JSON.parse keeps the last one.
    valid.map((value) => {
      const text = JSON.stringify(value);
      return text.startsWith('{') ? `{"type":"HEARTBEAT",${text.slice(1)}` : text;
    }),
    // Literal prototype-pollution keys in the text.
    valid.map((value) => {
      const text = JSON.stringify(value);
      return text.startsWith('{')
        ? `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${text.slice(1)}`
        : text;
    }),
  );
}
