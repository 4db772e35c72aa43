import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { REDIS_URL } from './redis.js';

/** A `redis-cli monitor` process recording what the server receives. */
export interface MonitorRecording {
  /** Stops recording; resolves to the lines that mention `filter`. */
  stop(): Promise<string[]>;
}

export async function recordMonitor(filter: string): Promise<MonitorRecording> {
  const child = spawn('redis-cli', ['-u', REDIS_URL, 'monitor'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffered = '';
  let ready: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    for (const line of complete) {
      if (line.trim() === 'OK') ready();
      else if (line.includes(filter)) lines.push(line);
    }
  });
  await started;
  return {
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill();
      await once(child, 'exit');
      return lines;
    },
  };
}
