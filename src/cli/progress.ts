// One progress bar for every long command: shown only to a person watching (stderr is a TTY and the
// output is not --json), never in pipes or CI logs. cli-progress is loaded only when a bar is shown.

import { load as loadProgress } from '../util/packages/cli-progress.js';

export interface Progress {
  /** Set the total (first call starts the bar) and the count done, with the format's extra fields. */
  update(done: number, total: number, fields?: Readonly<Record<string, string>>): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/**
 * `format` is cli-progress's, e.g. 'fuzz [{bar}] {value}/{total} {law}'. `after` (ms): the bar appears only
 * once the work has run that long, so that a quick answer draws nothing.
 */
export async function progressBar(format: string, o: { json?: boolean } = {}, when: { after?: number } = {}): Promise<Progress> {
  if (!process.stderr.isTTY || o.json) return SILENT;
  const shownFrom = performance.now() + (when.after ?? 0);
  const { SingleBar, Presets } = await loadProgress();
  const bar = new SingleBar({ stream: process.stderr, format, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total, fields) {
      if (!started && performance.now() < shownFrom) return;
      if (!started) { bar.start(total, 0, fields); started = true; } else bar.setTotal(total);
      bar.update(done, fields);
    },
    stop() { if (started) bar.stop(); },
  };
}
