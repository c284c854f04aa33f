/**
 * Third-party code trips three harmless rollup warnings: TypeScript's ES5 helpers use
 * top-level `this`, zod's core modules import each other, and some `#__PURE__`
 * annotations sit where rollup cannot use them. Warnings about our own code stay.
 */
export function onwarn(warning, warn) {
  const ids = warning.ids ?? [warning.id ?? ''];
  const inDependency = ids.some((id) => id?.includes('node_modules'));
  const harmless = ['THIS_IS_UNDEFINED', 'CIRCULAR_DEPENDENCY', 'INVALID_ANNOTATION'].includes(
    warning.code,
  );
  if (!(harmless && inDependency)) {
    warn(warning);
  }
}
