/**
 * Lambda runtimes that AWS has deprecated, shared by the Terraform and CloudFormation rules.
 *
 * Under Lambda's runtime deprecation policy, a runtime is deprecated when a major component
 * (the language version, or the Amazon Linux release under it) reaches end of community
 * support: from that date Lambda no longer applies security patches to it, and functions on
 * it lose technical support (creating and then updating such functions is blocked later,
 * but existing functions keep running). The table holds only runtimes whose deprecation
 * date had passed when it was written, with that date as AWS's "Deprecated runtimes" table
 * gives it; a runtime only scheduled for deprecation is added once the date has passed. A
 * scan judges from this table, never from the clock, so the same file always gives the same
 * findings. Container-image-only runtimes (.NET 5, .NET 7) have no runtime identifier a
 * function could name and are left out.
 */
export const DEPRECATED_LAMBDA_RUNTIMES: ReadonlyMap<string, string> = new Map([
  // Added 2026-11-28, dates from the "Deprecation date" column of AWS's Lambda runtimes page
  // (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) and its per-language pages,
  // and matching AWS Health notices: .NET 8 follows .NET 8's end of support, Python 3.10 its
  // end of life, provided.al2 Amazon Linux 2's end of life (2026-06-30).
  ['dotnet8', '2026-11-10'],
  ['python3.10', '2026-10-31'],
  ['provided.al2', '2026-07-31'],
  ['nodejs20.x', '2026-04-30'],
  ['ruby3.2', '2026-03-31'],
  // Not deprecated as of 2026-11-28, though Amazon Linux 2 under them reached end of life: AWS
  // moved the deprecation of java8.al2, java11, java17 and python3.11 to 2027-06-30 (Lambda keeps
  // patching their critical and selected important AL2 issues until then). Add them once it passes.
  ['python3.9', '2025-12-15'],
  ['nodejs18.x', '2025-09-01'],
  ['dotnet6', '2024-12-20'],
  ['python3.8', '2024-10-14'],
  ['nodejs16.x', '2024-06-12'],
  // Amazon Linux 1 reached end of support: its Java 8, Go 1.x and custom runtimes went with it (java8.al2 and provided.al2 are other runtimes).
  ['java8', '2024-01-08'],
  ['go1.x', '2024-01-08'],
  ['provided', '2024-01-08'],
  ['ruby2.7', '2023-12-07'],
  ['nodejs14.x', '2023-12-04'],
  ['python3.7', '2023-12-04'],
  ['dotnetcore3.1', '2023-04-03'],
  ['nodejs12.x', '2023-03-31'],
  ['python3.6', '2022-07-18'],
  ['dotnetcore2.1', '2022-01-05'],
  ['nodejs10.x', '2021-07-30'],
  ['ruby2.5', '2021-07-30'],
  ['python2.7', '2021-07-15'],
  ['nodejs8.10', '2020-03-06'],
  ['nodejs4.3', '2020-03-06'],
  ['nodejs6.10', '2019-08-12'],
  ['dotnetcore1.0', '2019-07-30'],
  ['dotnetcore2.0', '2019-05-30'],
  ['nodejs4.3-edge', '2019-04-30'],
  ['nodejs', '2016-10-31'],
]);

/** The date AWS deprecated a Lambda runtime identifier (`python3.8`), or undefined when it is not deprecated. */
export function lambdaRuntimeDeprecated(runtime: string): string | undefined {
  return DEPRECATED_LAMBDA_RUNTIMES.get(runtime.trim().toLowerCase());
}

/** What a finding on a deprecated runtime says, whichever syntax names it; `from` says where the runtime is set when not on the function (` (Runtime of Globals)`). */
export function deprecatedRuntimeMessage(what: string, runtime: string, since: string, from = ''): string {
  return `${what} runs on ${runtime}${from}, a Lambda runtime AWS deprecated on ${since}: it no longer receives security patches.`;
}
