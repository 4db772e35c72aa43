import cliProgress from 'cli-progress';
import type { ReencryptProgress } from '../operations/reencrypt-report.js';

/** Shows a job's progress; a no-op when progress is off. */
export interface ProgressView {
  update(progress: ReencryptProgress): void;
  /** Ends the bar; a finished job's bar is shown full. */
  stop(finished: boolean): void;
}

const SILENT: ProgressView = { update: () => undefined, stop: () => undefined };

/**
 * A progress bar on standard error. The total is the number of keys in the
 * database, an upper bound when the prefix holds only part of them, so the
 * bar jumps to its end when the job finishes.
 */
export function progressView(
  enabled: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressView {
  if (!enabled) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'reencrypt {bar} {percentage}% | {value}/{total} keys | re-sealed {resealed} | adopted {adopted} | unopenable {unopenable} | ETA {eta_formatted}',
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 2000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let scanned = 0;
  return {
    update(progress) {
      const payload = {
        resealed: progress.resealed,
        adopted: progress.adopted,
        unopenable: progress.unopenable,
      };
      scanned = progress.scanned;
      const total = Math.max(progress.estimatedKeys, progress.scanned, 1);
      if (!started) {
        bar.start(total, progress.scanned, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(progress.scanned, payload);
      }
    },
    stop(finished) {
      if (!started) return;
      if (finished && scanned > 0) {
        bar.setTotal(scanned);
        bar.update(scanned);
      }
      bar.stop();
    },
  };
}
