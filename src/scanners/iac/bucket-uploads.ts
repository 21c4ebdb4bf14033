import { basename, commandsOf, effectiveWords, parseShell, type ShellCommand, type ShellPipeline } from './shell.js';

/**
 * Uploads to a cloud storage bucket from a shell script: `aws s3 cp|sync|mv`, `gsutil
 * cp|rsync|mv`, `gcloud storage cp|rsync|mv` whose destination is a bucket (s3://, gs://)
 * and whose source is not, and `az storage blob upload|upload-batch|sync`. A download
 * (the bucket first), a listing or a dry run uploads nothing, and neither does a copy of
 * reports alone (test results, logs, coverage, benchmarks): what a check job keeps, not
 * what it ships. A report is known by its name, or by how the job's scripts write it
 * ({@link checkOutputs}): through a report option of the command that ran the check
 * (`--json=wpt.json`, `--junitxml=out.xml`), as the output of a test or benchmark run
 * (`cargo bench | tee output.txt`, `go test -json ./... > results.json`), or as a pointer
 * echoed from the commit (`echo $GITHUB_SHA > latest.txt`), which holds nothing the job built.
 */

const BUCKET_URL = /^(?:s3|gs):\/\//i;
/** The extension of a file of data a check writes, compressed or not. */
const DATA_EXTENSION = String.raw`\.(?:json|jsonl|html?|xml|txt|csv|md|log)(?:\.(?:gz|zst|xz|bz2))?$`;
/**
 * A path named as a check's output: report.html, test-results/, junit.xml, logs, coverage
 * (lcov, cobertura, jacoco, htmlcov), screenshots, SARIF and .trx files, a data file named
 * *report or *results (wptreport.json, testresults.xml), a data file of benchmarks
 * (bench.json, benchmark-main.csv, perf.txt) or criterion's reports.
 */
const REPORT_PATH = new RegExp(
  [
    String.raw`(?:^|[/._-])(?:reports?|results?|logs?|coverage|junit|lcov|cobertura|jacoco|htmlcov|screenshots?|traces?|criterion)(?:[/._-]|$)`,
    String.raw`\.(?:sarif|trx|lcov)(?:\.gz)?$`,
    String.raw`[a-z](?:report|results?)${DATA_EXTENSION}`,
    String.raw`(?:^|[/_-])(?:bench(?:mark)?s?|perf)(?:[._-][^/]*)?${DATA_EXTENSION}`,
  ].join('|'),
  'i',
);

/** Whether a path is named as a check's output (report.html, test-results/, coverage, SARIF...): what a storage upload of it ships is no build. */
export function isReportPath(path: string): boolean {
  return REPORT_PATH.test(normalPath(path.trim()));
}

/** Options of a check's command that name the file its results go to: --json, --junitxml, --wptreport, --benchmark-json, --export-json, --cov-report, --log-file, --sarif... */
// Words of letters and digits between the separators: with `_` in them too, a long crafted option backtracks exponentially.
const REPORT_OPTION = /^--?(?:[a-z0-9]+[-_])*(?:json|junit(?:xml)?|[a-z0-9]*report|reporter|results?|log|sarif|lcov|cov(?:erage)?|bench(?:mark)?)(?:[-_][a-z0-9]+)*$/i;

/** Options that take no value, by tool; any other option takes the next word unless written `--opt=value`. */
const FLAGS: Readonly<Record<string, RegExp>> = {
  aws: /^--(?:recursive|quiet|delete|no-progress|only-show-errors|follow-symlinks|no-follow-symlinks|exact-timestamps|size-only|no-guess-mime-type|force-glacier-transfer|ignore-glacier-warnings|no-paginate|debug|no-verify-ssl|no-sign-request|no-cli-pager|no-cli-auto-prompt)$/,
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
  if (tool === 'aws') {
    // Global options before the service: `aws --debug s3 cp`, `aws --region us-east-1 s3 sync`.
    let i = 1;
    while (i < words.length && words[i]!.startsWith('-')) i += words[i]!.includes('=') || FLAGS.aws!.test(words[i]!) ? 1 : 2;
    return words[i] === 's3' && copy.test(words[i + 1] ?? '') ? { tool, subcommand: words[i + 1]!, rest: words.slice(i + 2) } : undefined;
  }
  if (tool === 'gcloud' && words[1] === 'storage')
    return copy.test(words[2] ?? '') ? { tool, subcommand: words[2]!, rest: words.slice(3) } : undefined;
  if (tool === 'gsutil') {
    // Top-level options before the subcommand: -m, -q, and -h/-o/-u with a value.
    let i = 1;
    while (i < words.length && words[i]!.startsWith('-')) i += /^-[hou]$/.test(words[i]!) ? 2 : 1;
    if (copy.test(words[i] ?? '')) return { tool, subcommand: words[i]!, rest: words.slice(i + 1) };
  }
  return undefined;
}

/** A path as a job's scripts name it elsewhere: without a leading `./`, quotes or a compression suffix (`gzip wptreport.json` uploads wptreport.json.gz). */
function normalPath(path: string): string {
  return path.replace(/^(?:\.\/)+/, '').replace(/\.(?:gz|zst|xz|bz2)$/, '');
}

/**
 * The values an echo or printf may print and still write nothing the job built: text, the
 * commit, ref, run and date (`${{ github.sha }}`, `$GITHUB_SHA`, `$(git rev-parse HEAD)`, `$(date +%s)`).
 */
const POINTER_VALUE = /\$\{\{\s*github\.(?:sha|ref|ref_name|run_id|run_number|run_attempt|repository)\s*\}\}|\$\{?GITHUB_(?:SHA|REF|REF_NAME|RUN_ID|RUN_NUMBER|RUN_ATTEMPT|REPOSITORY)\b\}?|\$\(\s*git\s+rev-parse(?:\s+--short(?:=\d+)?)?\s+HEAD\s*\)|\$\(\s*date(?:\s+[^()$`]*)?\)/g;

/** The file an echo or printf of such values writes (`echo ${{ github.sha }} > latest.txt`), if the command is one. */
function pointerWritten(command: ShellCommand): string | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  if (!/^(?:echo|printf)$/.test(words[0] ?? '')) return undefined;
  const target = command.redirects?.find((r) => /^>>?$/.test(r.op) && (r.fd === undefined || r.fd === '1'))?.target.text;
  if (target === undefined || /^\/dev\//.test(target)) return undefined;
  return /[$`]/.test(words.slice(1).join(' ').replace(POINTER_VALUE, '')) ? undefined : target;
}

/**
 * A command that runs tests or benchmarks and prints their results: `cargo test|bench|nextest`,
 * `go test`, pytest (also `python -m pytest|unittest`), `deno|bun test`, `deno bench`, a
 * package script named test or bench (`npm test`, `pnpm run bench:ci`), jest, vitest, mocha,
 * ctest, `make test|check|bench`, `dotnet test`.
 */
function runsChecks(command: ShellCommand): boolean {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '');
  const sub = words[1] ?? '';
  switch (program) {
    case 'cargo':
      return /^(?:test|bench|nextest)$/.test(sub);
    case 'go':
    case 'dotnet':
      return sub === 'test';
    case 'deno':
      return /^(?:test|bench)$/.test(sub);
    case 'bun':
      return sub === 'test';
    case 'python':
    case 'python3':
      return sub === '-m' && /^(?:pytest|unittest)$/.test(words[2] ?? '');
    case 'npm':
    case 'pnpm':
    case 'yarn':
      return /^(?:test|bench)$/.test(sub) || (sub === 'run' && /^(?:test|bench(?:mark)?s?)(?::[\w:-]*)?$/.test(words[2] ?? ''));
    case 'make':
      return words.slice(1).some((w) => /^(?:test|check|bench(?:mark)?s?)$/.test(w));
    default:
      return /^(?:pytest|py\.test|jest|vitest|mocha|ctest)$/.test(program);
  }
}

/** Filters a check's output may pass through on its way to a file (`cargo bench 2>&1 | grep -v Compiling | tee out.txt`). */
const FILTERS = new Set(['tee', 'grep', 'sed', 'awk', 'cut', 'sort', 'uniq', 'head', 'tail', 'jq', 'tr', 'cat']);

/** Whether a redirect writes the command's standard output to a file (`>`, `>>`, `&>`; `1>`). */
function writesStdout(r: { op: string; fd?: string }): boolean {
  return /^(?:>>?|&>)$/.test(r.op) && (r.fd === undefined || r.fd === '1');
}

/**
 * The files a pipeline that starts with a test or benchmark run writes its output to: a
 * redirect of the run or of the filter that ends the pipeline, the files of tee
 * (`cargo bench | tee output.txt`, `go test -json ./... > results.json`); none when
 * another program than a filter takes the output (it may build something of it).
 */
function checkOutputFiles(pipeline: ShellPipeline): Array<{ command: ShellCommand; path: string }> {
  const out: Array<{ command: ShellCommand; path: string }> = [];
  if (pipeline.length === 0 || !runsChecks(pipeline[0]!)) return out;
  if (!pipeline.slice(1).every((command) => FILTERS.has(basename(effectiveWords(command)[0]?.text ?? '')))) return out;
  for (const command of pipeline) {
    for (const r of command.redirects ?? []) if (writesStdout(r)) out.push({ command, path: r.target.text });
    const words = effectiveWords(command).map((w) => w.text);
    if (basename(words[0] ?? '') === 'tee') for (const word of words.slice(1)) if (!word.startsWith('-')) out.push({ command, path: word });
  }
  return out;
}

/**
 * The files a job's scripts write that are no build output: what a report option of a
 * command names (`--json=wpt.json`, `--junitxml junit.xml`, `--cov-report=xml:cov.xml`; a
 * file of data only, so that `--log-dir dist` names no report), the output of a test or
 * benchmark run written to a file of data (`cargo bench | tee output.txt`, `go test -json
 * ./... > results.json`, {@link checkOutputFiles}), and pointers echoed from the commit
 * (`echo $(git rev-parse HEAD) > wpt-latest.txt`). Each as {@link normalPath} has it.
 */
export function checkOutputs(scripts: readonly string[]): Set<string> {
  const out = new Set<string>();
  // A file another command also writes (`cat dist/VERSION >> latest.txt`) may hold what the job built.
  const overwritten = new Set<string>();
  const data = new RegExp(DATA_EXTENSION, 'i');
  for (const script of scripts) {
    const pipelines = parseShell(script);
    // What a test or benchmark run prints, written to a file of data (`cargo bench | tee output.txt`).
    const checked = new Set<ShellCommand>();
    for (const { command, path } of pipelines.flatMap(checkOutputFiles)) {
      checked.add(command);
      if (data.test(path) && !/^\/dev\//.test(path)) out.add(normalPath(path));
    }
    for (const command of pipelines.flat()) {
      const pointer = pointerWritten(command);
      if (pointer !== undefined) out.add(normalPath(pointer));
      else if (!checked.has(command)) {
        for (const r of command.redirects ?? []) if (writesStdout(r)) overwritten.add(normalPath(r.target.text));
        const teeWords = effectiveWords(command).map((w) => w.text);
        if (basename(teeWords[0] ?? '') === 'tee') for (const word of teeWords.slice(1)) if (!word.startsWith('-')) overwritten.add(normalPath(word));
      }
      const words = command.words.map((w) => w.text);
      words.forEach((word, i) => {
        const [option, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
        if (!REPORT_OPTION.test(option)) return;
        // `--cov-report=xml:coverage.xml`: the format before the file.
        const value = (inline ?? words[i + 1] ?? '').replace(/^[a-z-]+:(?!\/\/)/i, '');
        if (data.test(value)) out.add(normalPath(value));
      });
    }
  }
  for (const path of overwritten) out.delete(path);
  return out;
}

/**
 * Whether a line of shell uploads files to a cloud storage bucket. `reports`: the files the
 * job's scripts write that are no build output ({@link checkOutputs}), beside those named as reports.
 */
export function uploadsToBucket(line: string, reports: () => ReadonlySet<string> = () => new Set()): boolean {
  // Most lines name none of the tools: no need to read them as shell.
  if (!/\b(?:aws\s.*\bs3|gsutil|gcloud\s+storage|az\s+storage)\b/.test(line)) return false;
  return commandsOf(line).some((command) => {
    const words = effectiveWords(command).map((w) => w.text);
    if (basename(words[0] ?? '') === 'az' && words[1] === 'storage' && words[2] === 'blob' && /^(?:upload|upload-batch|sync)$/.test(words[3] ?? '')) return !words.includes('--dryrun');
    const copy = copyArguments(words);
    if (!copy || dryRun(copy.tool, copy.subcommand, copy.rest)) return false;
    const args = positionals(copy.tool, copy.rest);
    const sources = args.slice(0, -1);
    return sources.length >= 1 && !BUCKET_URL.test(sources[0]!) && BUCKET_URL.test(args[args.length - 1]!) && !sources.every((source) => REPORT_PATH.test(source) || reports().has(normalPath(source)));
  });
}
