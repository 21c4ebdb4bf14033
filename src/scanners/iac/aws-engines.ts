/** Judgments on the engine versions AWS's managed services run, shared by the Terraform and CloudFormation rules. */

/**
 * Whether ElastiCache runs a Redis version that supports neither in-transit nor at-rest
 * encryption, and so no AUTH token (which needs in-transit encryption): everything
 * before 4.0.10 except 3.2.6. A version that cannot be told apart (`3.2`) is not reported.
 */
export function redisWithoutEncryption(version: string): boolean {
  const m = /^(\d+)(?:\.(\d+|x)(?:\.(\d+))?)?$/i.exec(version.trim());
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), m[2] === undefined || /x/i.test(m[2]) ? undefined : Number(m[2]), m[3] === undefined ? undefined : Number(m[3])];
  if (major <= 2) return true;
  if (minor === undefined || patch === undefined) return false;
  if (major === 3) return !(minor === 2 && patch === 6);
  return major === 4 && minor === 0 && patch < 10;
}

/**
 * Whether an RDS database instance of this engine (lower case) can take IAM database
 * authentication: MySQL and PostgreSQL, not MariaDB, Oracle or SQL Server. An Aurora
 * member takes it from its cluster (clusterTakesIamAuth).
 */
export const instanceTakesIamAuth = (engine: string): boolean => /^(?:mysql|postgres)/.test(engine);

/** Whether an RDS cluster of this engine (lower case) and engine mode can take IAM database authentication: Aurora, except Serverless v1. */
export const clusterTakesIamAuth = (engine: string, mode: unknown): boolean => engine.startsWith('aurora') && mode !== 'serverless';

/**
 * Whether an ElastiCache access string lets its user in and run commands: the last of
 * `on` and `off` is `on` (a user is off unless turned on), and it grants a command
 * (`+@all`, `+@read`, `+get`, allcommands). Undefined when it cannot be read.
 */
export function accessStringOpen(access: unknown): boolean | undefined {
  if (typeof access !== 'string') return undefined;
  const tokens = access.trim().toLowerCase().split(/\s+/);
  const state = tokens.filter((w) => w === 'on' || w === 'off').pop();
  return state === 'on' && tokens.some((w) => w.startsWith('+') || w === 'allcommands');
}

/**
 * ElastiCache's built-in user: user id and name `default`, no password, every key and
 * command (AWS cannot change it). A user group that lists it by that id lets every client in.
 */
export const BUILT_IN_DEFAULT_USER = { id: 'default', access: 'on ~* +@all' } as const;
