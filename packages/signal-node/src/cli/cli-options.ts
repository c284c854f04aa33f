import { parseArgs } from 'node:util';
import type { ConfigIssue, SignalServerOptions } from '../config/options.js';
import { OPTION_SPECS, type OptionSpec } from '../config/option-specs.js';

export type CliRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: SignalServerOptions }
  | { readonly kind: 'invalid'; readonly issues: readonly ConfigIssue[] };

const PARSE_ARGS_OPTIONS = Object.fromEntries([
  ['help', { type: 'boolean', short: 'h' }],
  ...OPTION_SPECS.map((spec) => [
    spec.flag.slice(2),
    { type: 'string', multiple: spec.kind === 'list' },
  ]),
]) as Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function splitList(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/**
 * Turns a text value into the option's type. A malformed integer is passed through as
 * text so that validation reports it with the option's rule.
 */
function convert(spec: OptionSpec, values: readonly string[]): unknown {
  if (spec.kind === 'list') {
    return splitList(values);
  }
  const value = values[values.length - 1] ?? '';
  if (spec.kind === 'integer') {
    return /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value;
  }
  return value;
}

/**
 * Reads the command line and the environment: each option from its flag, else its
 * `BB_SIGNAL_*` variable, else the default. Flags win over the environment.
 */
export function readCliRequest(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliRequest {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: PARSE_ARGS_OPTIONS,
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', issues: [{ path: '(command line)', message }] };
  }
  if (parsed.values['help'] === true) {
    return { kind: 'help' };
  }
  const options: Record<string, unknown> = {};
  for (const spec of OPTION_SPECS) {
    const fromFlag = parsed.values[spec.flag.slice(2)];
    const fromEnv = env[spec.env];
    if (fromFlag !== undefined && typeof fromFlag !== 'boolean') {
      options[spec.name] = convert(
        spec,
        Array.isArray(fromFlag) ? fromFlag.map(String) : [fromFlag],
      );
    } else if (fromEnv !== undefined && fromEnv !== '') {
      options[spec.name] = convert(spec, [fromEnv]);
    }
  }
  return { kind: 'run', options: options as SignalServerOptions };
}

/** `path` of a config issue, with where the value came from: `port (--port, BB_SIGNAL_PORT)`. */
export function labelIssue(issue: ConfigIssue): string {
  const name = issue.path.replace(/[[.].*$/, '');
  const spec = OPTION_SPECS.find((candidate) => candidate.name === name);
  const where = spec ? ` (${spec.flag}, ${spec.env})` : '';
  return `${issue.path}${where}: ${issue.message}`;
}

export function helpText(): string {
  const lines = [
    'bb-signal: authorizing PeerJS signalling server for Bilateral Base sessions.',
    '',
    'Usage: bb-signal [options]',
    '',
    'Every option can also come from its environment variable; a flag wins over the',
    'environment. List options take several flags or one comma-separated value.',
    'Prefer the environment for secrets: command lines are visible to other users.',
    '',
  ];
  for (const spec of OPTION_SPECS) {
    const value = spec.kind === 'integer' ? '<n>' : spec.kind === 'list' ? '<value>' : '<text>';
    lines.push(`  ${spec.flag} ${value}`);
    lines.push(`      env ${spec.env}, default ${spec.defaultText}`);
    lines.push(`      ${spec.description}`);
  }
  lines.push('  -h, --help', '      Print this help and exit.', '');
  return lines.join('\n');
}
