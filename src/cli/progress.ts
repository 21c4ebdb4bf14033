import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../engine/scan.js';

/** A one-line progress bar on a TTY: files done of total, and the scanner at work. */
export function createProgressDisplay(stream: NodeJS.WriteStream): { update: (event: ProgressEvent) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'secloop {scanner} [{bar}] {value}/{total} files',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let current = '';
  return {
    update(event) {
      if (!started) {
        bar.start(event.total, event.done, { scanner: event.scanner });
        started = true;
        current = event.scanner;
        return;
      }
      if (event.scanner !== current) {
        current = event.scanner;
        bar.setTotal(event.total);
      }
      bar.update(event.done, { scanner: event.scanner });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
