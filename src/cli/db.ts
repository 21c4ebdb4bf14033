import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('The local OSV advisory database used by dependency scanning (--offline).');
  db.command('update')
    .description('Download the OSV exports (all.zip per ecosystem) and index them for fast look-up.')
    .option('--dir <dir>', 'database directory (default: $SECLOOP_CACHE_DIR or ~/.cache/secloop, then osv-db)')
    .option('--ecosystems <list>', 'comma-separated OSV ecosystems (default: all secloop reads)')
    .option('-q, --quiet', 'no progress notes')
    .action(async (flags: { dir?: string; ecosystems?: string; quiet?: boolean }) => {
      const { updateDatabase, AdvisorySourceError } = await import('../scanners/sca/osv/index.js');
      const { ECOSYSTEMS } = await import('../scanners/sca/model.js');
      const ecosystems = flags.ecosystems?.split(',').map((e) => e.trim()).filter(Boolean);
      for (const e of ecosystems ?? []) {
        if (!(ECOSYSTEMS as readonly string[]).includes(e)) throw new UsageError(`unknown ecosystem '${e}' (known: ${ECOSYSTEMS.join(', ')})`);
      }
      let result: Awaited<ReturnType<typeof updateDatabase>>;
      try {
        result = await updateDatabase({
          ...(flags.dir ? { dir: flags.dir } : {}),
          ...(ecosystems ? { ecosystems: ecosystems as (typeof ECOSYSTEMS)[number][] } : {}),
          warn: (message: string) => process.stderr.write(`secloop: warning: ${message}\n`),
        });
      } catch (error) {
        // An unreachable or broken download is the user's environment, not a bug: one line, exit 2.
        if (error instanceof AdvisorySourceError) throw new UsageError(error.message);
        throw error;
      }
      for (const u of result.updated) process.stdout.write(`${u.ecosystem.padEnd(10)} ${u.records} advisories${u.problems ? ` (${u.problems} entries skipped)` : ''}\n`);
      for (const f of result.failed) process.stderr.write(`secloop: ${f.ecosystem}: ${f.message}\n`);
      if (!flags.quiet) process.stderr.write(`secloop: database in ${result.dir}\n`);
      if (result.updated.length === 0) process.exitCode = 2;
    });
  db.command('status')
    .description('Show the age and advisory counts of the local database.')
    .option('--dir <dir>', 'database directory')
    .option('--json', 'machine-readable output')
    .action(async (flags: { dir?: string; json?: boolean }) => {
      const { databaseStatus, isDatabaseStale, STALE_AFTER_DAYS } = await import('../scanners/sca/osv/index.js');
      const status = await databaseStatus(flags.dir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      if (!status.exists || status.ecosystems.length === 0) {
        process.stdout.write(`no local database in ${status.dir}: run secloop db update\n`);
        return;
      }
      process.stdout.write(`database: ${status.dir}\n`);
      for (const e of status.ecosystems)
        process.stdout.write(`${e.ecosystem.padEnd(10)} ${String(e.records).padStart(7)} advisories, updated ${e.updatedAt} (${e.ageDays.toFixed(1)} days ago)\n`);
      process.stdout.write(`total      ${String(status.totalRecords).padStart(7)} advisories\n`);
      if (isDatabaseStale(status)) process.stdout.write(`warning: older than ${STALE_AFTER_DAYS} days: run secloop db update\n`);
    });
}
