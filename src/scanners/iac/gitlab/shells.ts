import { scriptParts, type ScriptDialect, type ScriptPart } from '../script-dialect.js';
import { get, isYMap, type YNode, type YScalar } from '../yaml/tree.js';
import { SETUP_VARIABLE } from './ci-templates.js';
import { pipelineScripts, type Pipeline } from './pipeline.js';
import { onWindows, saysWindows } from './runners.js';

/**
 * The shell that runs a script of the pipeline (one of pipelineScripts), by who owns it:
 * PowerShell on a Windows runner (runners.ts), a POSIX shell elsewhere. The scripts of
 * `default:` and the top level run in every job that takes them: in PowerShell when
 * `default:` itself says Windows (its tags or image). The command ci-templates runs in the
 * image a job builds is the Linux image's shell's.
 */
export function scriptDialect(p: Pipeline, script: { owner: string; node: YNode; key: string }): ScriptDialect {
  if (script.key === SETUP_VARIABLE || !isYMap(script.node)) return 'posix';
  if (script.owner === 'global' || script.owner === 'default') {
    const defaults = get(p.root, 'default');
    return isYMap(defaults) && saysWindows(p, defaults) ? 'powershell' : 'posix';
  }
  return onWindows(p, { name: script.owner.replace(/^job /, ''), node: script.node }) ? 'powershell' : 'posix';
}

/**
 * Every script of the pipeline, in the parts its shells read (scriptParts): the line in
 * its job's shell and, on a Windows runner, the POSIX scripts it hands to bash. A rule reads
 * `part.text` as `part.dialect` and finds a line of the file with `part.at` (an offset of the scalar).
 */
export function* pipelineScriptParts(p: Pipeline): Generator<{ owner: string; scalar: YScalar; keyLine: number; key: string; part: ScriptPart }> {
  for (const script of pipelineScripts(p)) {
    for (const part of scriptParts(script.text, scriptDialect(p, script))) yield { owner: script.owner, scalar: script.scalar, keyLine: script.keyLine, key: script.key, part };
  }
}
