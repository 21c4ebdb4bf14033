import { parseSync } from 'oxc-parser';
import { LineIndex } from './lines.js';
import { exceedsSafeNesting, MAX_SAFE_CHAIN, MAX_SAFE_NESTING } from '../../shared/js-nesting.js';

/** A node of oxc's ESTree-compatible AST; fields are read by name, the way ESTree walkers do. */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export type SourceLang = 'js' | 'jsx' | 'ts' | 'tsx';

export interface ParsedFile {
  path: string;
  text: string;
  lines: LineIndex;
  program: AstNode;
  /** ESM syntax (import/export) was seen. */
  isModule: boolean;
}

export interface ParseFailure {
  path: string;
  line: number;
  message: string;
}

const SCRIPT_EXTENSIONS: Readonly<Record<string, SourceLang>> = {
  '.js': 'js',
  '.cjs': 'js',
  '.mjs': 'js',
  '.jsx': 'jsx',
  '.ts': 'ts',
  '.cts': 'ts',
  '.mts': 'ts',
  '.tsx': 'tsx',
};

export function languageOf(path: string): SourceLang | undefined {
  if (path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts')) return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : SCRIPT_EXTENSIONS[path.slice(dot).toLowerCase()];
}

/**
 * Parses one file. JS files are parsed as JSX as well (plain JS is a subset, and React
 * code often lives in .js); a file with ESM syntax is a module, else CommonJS.
 * A file with syntax errors is not analysed (oxc recovers, but a guessed tree would
 * give guessed findings): the caller reports it as a warning.
 */
export function parseSource(path: string, text: string): ParsedFile | ParseFailure {
  const lang = languageOf(path) ?? 'js';
  const lines = new LineIndex(text);
  const effective = lang === 'js' ? 'jsx' : lang;
  const sourceType = path.endsWith('.cjs') || path.endsWith('.cts') ? 'commonjs' : path.endsWith('.mjs') || path.endsWith('.mts') ? 'module' : 'unambiguous';
  if (exceedsSafeNesting(text)) {
    return { path, line: 1, message: `nested too deeply (over ${MAX_SAFE_NESTING} levels, or ${MAX_SAFE_CHAIN.toLocaleString('en')} operators in one expression): not parsed (the parser would overflow its stack)` };
  }
  let result;
  try {
    result = parseSync(path, text, { lang: effective, sourceType, preserveParens: false, range: false });
  } catch (error) {
    return { path, line: 1, message: `parser failed: ${(error as Error).message}` };
  }
  const program = result.program as unknown as AstNode;
  const errors = result.errors.filter((e) => e.severity === 'Error');
  if (errors.length === 0) return { path, text, lines, program, isModule: result.module.hasModuleSyntax };
  // Some legacy .js confuses the JSX lexer (`a < b > c`); plain JS gets one more try.
  if (lang === 'js') {
    try {
      const plain = parseSync(path, text, { lang: 'js', sourceType, preserveParens: false });
      if (plain.errors.every((e) => e.severity !== 'Error')) {
        return { path, text, lines, program: plain.program as unknown as AstNode, isModule: plain.module.hasModuleSyntax };
      }
    } catch {
      // report the first error below
    }
  }
  const first = errors[0]!;
  return { path, line: lines.line(first.labels[0]?.start ?? 0), message: `syntax error: ${first.message}` };
}

export function isParseFailure(value: ParsedFile | ParseFailure): value is ParseFailure {
  return !('program' in value);
}
