#!/usr/bin/env node
// `npm run demo`: builds a git repository from examples/vulnerable-app (with a history
// that holds a secret deleted later), scans it with secloop, prints the text report and
// writes an HTML report. Exits with secloop's status: 1 means the planted problems were found.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync, execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const app = path.join(root, 'examples', 'vulnerable-app');
const history = path.join(root, 'examples', 'vulnerable-app.history', 'commit-1');
const work = path.join(root, '.demo', 'vulnerable-app');
const html = path.join(root, 'reports', 'vulnerable-app.html');
// Advisories written for the demo (test data, not a real feed): the demo needs no network.
const advisories = path.join(root, 'examples', 'advisories-test-db');

const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Demo Developer',
  GIT_AUTHOR_EMAIL: 'dev@example.org',
  GIT_COMMITTER_NAME: 'Demo Developer',
  GIT_COMMITTER_EMAIL: 'dev@example.org',
};
const git = (...args) => execFileSync('git', args, { cwd: work, env: gitEnv, stdio: ['ignore', 'pipe', 'inherit'] });

rmSync(path.join(root, '.demo'), { recursive: true, force: true });
mkdirSync(work, { recursive: true });
cpSync(app, work, { recursive: true });
cpSync(history, work, { recursive: true });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'Initial version', '--date', '2024-01-15T10:00:00Z');
rmSync(path.join(work, 'config', 'legacy.env'));
git('add', '-A');
git('commit', '-q', '-m', 'Remove legacy configuration', '--date', '2024-02-01T10:00:00Z');

mkdirSync(path.dirname(html), { recursive: true });
console.log(`Scanning ${path.relative(root, work)} (a copy of examples/vulnerable-app with git history),`);
console.log('with the test advisories in examples/advisories-test-db (test data, not a real feed)\n');
const result = spawnSync(
  process.execPath,
  [path.join(root, 'dist', 'bundle', 'main.js'), 'scan', work, '--history', '--db', advisories, '--report', `html=${html}`],
  { stdio: 'inherit' },
);
console.log(`\nHTML report: ${path.relative(root, html)}`);
console.log(result.status === 1 ? 'secloop exited 1: the planted problems were found, as intended.' : `secloop exited ${result.status}.`);
process.exit(result.status ?? 2);
