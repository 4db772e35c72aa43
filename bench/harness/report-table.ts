import type { BenchReport, Goal, Ratio } from './benchmark.js';

type Align = 'left' | 'right';

/** A plain-text table with a header rule; `align` gives each column's alignment. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        align[column] === 'right' ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)]
    .map((text) => `  ${text}`)
    .join('\n');
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

/** `min-max` of per-round values, or nothing for fewer than two rounds. */
function minMax(values: readonly number[] | undefined, format: (value: number) => string): string {
  if (values === undefined || values.length < 2) return '';
  return `${format(Math.min(...values))}-${format(Math.max(...values))}`;
}

/** Max minus min of per-round values, as a percentage of their median. */
function spread(values: readonly number[], median: number): string {
  if (values.length < 2 || median === 0) return '';
  return `${fixed(((Math.max(...values) - Math.min(...values)) / median) * 100, 0)}%`;
}

function goalText(goal: Goal | undefined): string {
  if (goal === undefined) return '';
  const target = `${goal.comparison === '>=' ? '≥' : '≤'} ${fixed(goal.target, 2)}`;
  return goal.binding ? target : `${target} (reference)`;
}

function statusText(ratio: Ratio): string {
  if (ratio.goal === undefined) return '';
  const status = ratio.met ? 'met' : 'NOT MET';
  return ratio.goal.binding ? status : status.toLowerCase();
}

/** Human-readable rendering of one benchmark's report. */
export function renderReport(report: BenchReport): string {
  const cases = table(
    ['case', 'ops/s', 'rounds min-max', 'spread', 'CPU µs/op', 'p50 ms', 'p99 ms'],
    report.cases.map((c) => [
      c.label,
      integer.format(c.opsPerSec),
      minMax(c.roundsOpsPerSec, (value) => integer.format(value)),
      spread(c.roundsOpsPerSec, c.opsPerSec),
      fixed(c.cpuUsPerOp, 1),
      fixed(c.latencyMs.p50, 2),
      fixed(c.latencyMs.p99, 2),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const measures = table(
    ['measure', 'value', 'unit', 'how'],
    report.measures.map((m) => [m.label, fixed(m.value, 1), m.unit, m.method ?? '']),
    ['left', 'right', 'left', 'left'],
  );
  const ratios = table(
    ['ratio', 'value', 'rounds min-max', 'by CPU µs', 'goal', 'status'],
    report.ratios.map((r) => [
      r.label,
      fixed(r.value, 3),
      minMax(r.perRound, (value) => fixed(value, 2)),
      r.byCpu === undefined ? '' : fixed(r.byCpu, 3),
      goalText(r.goal),
      statusText(r),
    ]),
    ['left', 'right', 'right', 'right', 'left', 'left'],
  );
  const binding = report.ratios.filter((r) => r.goal?.binding === true);
  const met = binding.filter((r) => r.met === true).length;
  const sections = [
    report.description.map((line) => `  ${line}`).join('\n'),
    report.cases.length > 0 ? cases : '',
    report.measures.length > 0 ? measures : '',
    report.ratios.length > 0 ? ratios : '',
    binding.length > 0 ? `  goals met: ${met} of ${binding.length}` : '',
  ];
  return [`== ${report.name}: ${report.title}`, ...sections.filter((text) => text !== '')].join(
    '\n\n',
  );
}
