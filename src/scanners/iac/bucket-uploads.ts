import { basename, commandsOf, effectiveWords } from './shell.js';

/**
 * Uploads to a cloud storage bucket from a shell script: `aws s3 cp|sync|mv`, `gsutil
 * cp|rsync|mv`, `gcloud storage cp|rsync|mv` whose destination is a bucket (s3://, gs://)
 * and whose source is not, and `az storage blob upload|upload-batch|sync`. A download
 * (the bucket first), a listing or a dry run uploads nothing, and neither does a copy of
 * reports alone (test results, logs, coverage): what a check job keeps, not what it ships.
 */

const BUCKET_URL = /^(?:s3|gs):\/\//i;
/** A path named as a check's output: report.html, test-results/, junit.xml, logs, coverage, screenshots, a file named *report.json (wptreport.json). */
const REPORT_PATH = /(?:^|[/._-])(?:reports?|results?|logs?|coverage|junit|screenshots?|traces?)(?:[/._-]|$)|[a-z]report\.(?:json|html|xml|txt)(?:\.gz)?$/i;

/** Options that take no value, by tool; any other option takes the next word unless written `--opt=value`. */
const FLAGS: Readonly<Record<string, RegExp>> = {
  aws: /^--(?:recursive|quiet|delete|no-progress|only-show-errors|follow-symlinks|no-follow-symlinks|exact-timestamps|size-only|no-guess-mime-type|force-glacier-transfer|ignore-glacier-warnings|no-paginate|debug|no-verify-ssl|no-sign-request)$/,
  gsutil: /^-[mqDrRenNcCdUuPIAJ]+$/,
  gcloud: /^(?:-[rnRq]|--(?:recursive|no-clobber|delete-unmatched-destination-objects|quiet|continue-on-error|preserve-posix|skip-if-dest-has-newer-mtime|checksums-only|no-ignore-symlinks|gzip-in-flight-all|gzip-local-all|do-not-decompress|print-created-message|exclude-symlinks|skip-unsupported))$/,
};

/** A rehearsal: aws's --dryrun, gcloud's --dry-run, gsutil rsync's -n (for gsutil cp, -n only skips existing objects). */
function dryRun(tool: string, subcommand: string, words: readonly string[]): boolean {
  if (tool === 'aws') return words.includes('--dryrun');
  if (tool === 'gcloud') return words.includes('--dry-run');
  return subcommand === 'rsync' && words.some((w) => /^-[A-Za-z]*n[A-Za-z]*$/.test(w));
}

/** The words after the subcommand that are not options or option values. */
function positionals(tool: string, words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-')) out.push(word);
    else if (!word.includes('=') && !FLAGS[tool]!.test(word)) i++;
  }
  return out;
}

/** The words that follow a tool's copy subcommand (`aws s3 sync`, `gsutil -m cp`), or undefined when the command is not one. */
function copyArguments(words: readonly string[]): { tool: string; subcommand: string; rest: string[] } | undefined {
  const tool = basename(words[0] ?? '');
  const copy = /^(?:cp|sync|mv|rsync)$/;
  if ((tool === 'aws' && words[1] === 's3') || (tool === 'gcloud' && words[1] === 'storage'))
    return copy.test(words[2] ?? '') ? { tool, subcommand: words[2]!, rest: words.slice(3) } : undefined;
  if (tool === 'gsutil') {
    // Top-level options before the subcommand: -m, -q, and -h/-o/-u with a value.
    let i = 1;
    while (i < words.length && words[i]!.startsWith('-')) i += /^-[hou]$/.test(words[i]!) ? 2 : 1;
    if (copy.test(words[i] ?? '')) return { tool, subcommand: words[i]!, rest: words.slice(i + 1) };
  }
  return undefined;
}

/** Whether a line of shell uploads files to a cloud storage bucket. */
export function uploadsToBucket(line: string): boolean {
  // Most lines name none of the tools: no need to read them as shell.
  if (!/\b(?:aws\s+s3|gsutil|gcloud\s+storage|az\s+storage)\b/.test(line)) return false;
  return commandsOf(line).some((command) => {
    const words = effectiveWords(command).map((w) => w.text);
    if (basename(words[0] ?? '') === 'az' && words[1] === 'storage' && words[2] === 'blob' && /^(?:upload|upload-batch|sync)$/.test(words[3] ?? '')) return !words.includes('--dryrun');
    const copy = copyArguments(words);
    if (!copy || dryRun(copy.tool, copy.subcommand, copy.rest)) return false;
    const args = positionals(copy.tool, copy.rest);
    const sources = args.slice(0, -1);
    return sources.length >= 1 && !BUCKET_URL.test(sources[0]!) && BUCKET_URL.test(args[args.length - 1]!) && !sources.every((source) => REPORT_PATH.test(source));
  });
}
