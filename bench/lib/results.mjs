// Where results go: bench/results/<name>.json (every number) and <name>.md (the table),
// both overwritten by the latest run, with the machine they ran on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Chromium's version string, or "not found" when the browser is missing. */
function chromiumVersion() {
  const path = process.env.BB_CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: 'pipe' });
    return out.trim().split('\n').pop() ?? 'unknown';
  } catch {
    return 'not found';
  }
}

export function describeMachine() {
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    chromium: chromiumVersion(),
  };
}

export function machineLine(machine) {
  return (
    `${machine.date.slice(0, 10)}; ${machine.cpus} CPUs (${machine.cpuModel}), ` +
    `${machine.memoryGiB} GiB memory, Node ${machine.node}, ${machine.chromium}`
  );
}

/** Renders rows (arrays of cells) as a Markdown table. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function writeResults(name, json, markdown) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonPath = `${RESULTS_DIR}${name}.json`;
  const markdownPath = `${RESULTS_DIR}${name}.md`;
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(markdownPath, `${markdown}\n`);
  return { jsonPath, markdownPath };
}
