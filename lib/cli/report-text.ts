import type { ReencryptReport } from '../operations/reencrypt-report.js';
import type { StatusReport } from '../operations/key-status.js';
import type { ValueProblem } from '../operations/value-tally.js';

/** A plain-text table: a header, a rule, then rows; numbers are right-aligned. */
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = headers.map((_, column) =>
    rows.every((row) => /^-?[\d.,]*$/.test(row[column] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record);
  return entries.length === 0
    ? 'none'
    : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

function problemLines(problems: readonly ValueProblem[], omitted: number): string[] {
  if (problems.length === 0) return [];
  const rows = problems.map((problem) => [
    problem.reason,
    problem.keyId ?? '',
    problem.key,
    problem.field === '' ? '(record)' : problem.field,
  ]);
  return [
    '',
    'Values left as they were:',
    ...textTable(['reason', 'key id', 'Redis key', 'field'], rows),
    ...(omitted > 0 ? [`... and ${omitted} more (raise --max-problems to list them)`] : []),
  ];
}

const OUTCOME_TEXT = {
  complete: 'complete: every value found is under the primary key',
  partial: 'partial: some values were left as they were (see below); fix them and run again',
  interrupted: 'interrupted: run the same command again to continue from the checkpoint',
} as const;

function labelled(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`);
}

/** The human-readable report of `reencrypt`. */
export function reencryptReportText(report: ReencryptReport): string[] {
  const dry = report.dryRun;
  const { keys, values, concurrent } = report;
  const rows: [string, string][] = [
    [
      'outcome',
      dry && report.outcome === 'complete'
        ? 'dry run complete: the counts below are what a real run would do'
        : OUTCOME_TEXT[report.outcome],
    ],
    ['primary key', report.primaryKeyId],
    ['resumed', report.resumed ? `yes (the job started ${report.startedAt})` : 'no'],
    ...(report.restartedBecause
      ? [['started over', report.restartedBecause] as [string, string]]
      : []),
    ['elapsed', `${(report.elapsedMs / 1000).toFixed(1)} s`],
    [
      'keys',
      `${keys.scanned} scanned, ${keys.entities} entities, ${keys.written} ${dry ? 'to write' : 'written'}, ` +
        `${keys.other} other, ${keys.missing} gone, ${keys.failed} failed`,
    ],
    [dry ? 'values to re-seal' : 'values re-sealed', String(values.resealed)],
    ['already current', String(values.current)],
    [dry ? 'plaintext to adopt' : 'plaintext adopted', String(values.adopted)],
    [
      'plaintext left',
      `${values.plaintext}${report.adoptPlaintext || values.plaintext === 0 ? '' : ' (seal them with --adopt-plaintext)'}`,
    ],
    [
      'unopenable',
      `${values.unopenable} (by reason: ${counts(report.unopenableByReason)}; by key id: ${counts(report.unopenableByKeyId)})`,
    ],
    [
      'changed under the job',
      `${concurrent.retried} read again and re-sealed, ${concurrent.left} left for the next run`,
    ],
    ['found by key id', counts(report.foundByKeyId)],
    [
      'blind indexes',
      `${report.indexes.rebuilt} entities re-indexed under the current index key (${report.indexes.checked} checked, ` +
        `${report.indexes.changedConcurrently} changed meanwhile, ${report.indexes.unopenable} unopenable)`,
    ],
    ...(report.keyspacesByFormat.length > 0
      ? [
          [
            'no schema for',
            `${report.keyspacesByFormat.join(', ')} (walked by envelope format; plaintext not detected)`,
          ] as [string, string],
        ]
      : []),
  ];
  return [
    `Re-encryption job "${report.job}"${dry ? ' (dry run: nothing was written)' : ''}`,
    ...labelled(rows),
    ...problemLines(report.problems, report.problemsOmitted),
  ];
}

/** The human-readable report of `status`. */
export function statusReportText(report: StatusReport): string[] {
  const { keys } = report;
  const keyRows = report.byKeyId.map((entry) => [entry.keyId, String(entry.values), entry.state]);
  const keyspaceRows = report.keyspaces.map((entry) => [
    entry.keyspace,
    String(entry.keys),
    entry.schema ? 'published' : 'none (found by format)',
  ]);
  const verdict =
    report.allUnderPrimary === undefined
      ? report.primaryKeyId === undefined && report.keyRingConfigured
        ? 'the key ring names no single primary key (a KMS ring seals under a data key per process)'
        : 'no key ring configured: key ids are not compared with a primary'
      : report.allUnderPrimary
        ? `every value is under the primary key ${report.primaryKeyId}`
        : `NOT every value is under the primary key ${report.primaryKeyId}`;
  return [
    `Keys: ${keys.scanned} scanned, ${keys.entities} entities, ${keys.other} other, ${keys.missing} gone`,
    ...(keyspaceRows.length > 0
      ? ['', ...textTable(['keyspace', 'keys', 'schema'], keyspaceRows)]
      : []),
    '',
    ...(keyRows.length > 0
      ? textTable(['key id', 'values', 'state'], keyRows)
      : ['No sealed values found.']),
    '',
    `Plaintext in sealed fields: ${report.plaintext}`,
    `Unopenable: ${report.unopenable.total} (by reason: ${counts(report.unopenable.byReason)})`,
    report.verified
      ? report.unopenable.total === 0
        ? 'Verified: every value was opened.'
        : `Verified: every value was tried; ${report.unopenable.total} did not open (listed below).`
      : 'Not verified: envelope headers were read, nothing was decrypted, and values nested inside sealed values were not counted (use --verify).',
    verdict,
    ...problemLines(report.problems, report.problemsOmitted),
  ];
}
