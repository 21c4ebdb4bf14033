import type { Analyzer, CallSite } from '../analysis/analyzer.js';
import { isTainted, type Value } from '../analysis/value.js';

/**
 * Server-side templates: which locals a view prints without escaping. ejs `<%- x %>`,
 * handlebars `{{{ x }}}` and `{{& x }}`, pug `!= x` and `!{x}`.
 */

export const TEMPLATE_EXTENSIONS = ['.ejs', '.hbs', '.handlebars', '.pug', '.jade'];

export interface UnescapedOutput {
  /** The printed local and the member path after it: output.searchTerm -> ['output', 'searchTerm']. */
  path: string[];
  line: number;
}

const NAME = '([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)';
const PATTERNS: Readonly<Record<string, RegExp[]>> = {
  '.ejs': [new RegExp(`<%-\\s*${NAME}`, 'g')],
  '.hbs': [new RegExp(`\\{\\{\\{\\s*${NAME}`, 'g'), new RegExp(`\\{\\{&\\s*${NAME}`, 'g')],
  '.handlebars': [new RegExp(`\\{\\{\\{\\s*${NAME}`, 'g'), new RegExp(`\\{\\{&\\s*${NAME}`, 'g')],
  '.pug': [new RegExp(`!=\\s*${NAME}`, 'g'), new RegExp(`!\\{\\s*${NAME}`, 'g')],
  '.jade': [new RegExp(`!=\\s*${NAME}`, 'g'), new RegExp(`!\\{\\s*${NAME}`, 'g')],
};
/** Template helpers, not locals. */
const NOT_LOCALS = new Set(['include', 'body', 'locals']);

/** Root names of locals printed unescaped, with their lines. */
export function unescapedOutputs(path: string, text: string): UnescapedOutput[] {
  const ext = TEMPLATE_EXTENSIONS.find((e) => path.endsWith(e));
  if (!ext) return [];
  const out: UnescapedOutput[] = [];
  for (const pattern of PATTERNS[ext] ?? []) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const line = text.slice(0, m.index).split('\n').length;
      const path = m[1]!.split('.');
      if (path.length === 1 && NOT_LOCALS.has(path[0]!) && ext === '.ejs') continue;
      out.push({ path, line });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The template a view name refers to: views/<name>.<ext> preferred, else any file with that name. */
export function findTemplate(templates: ReadonlyMap<string, string>, view: string): string | undefined {
  const clean = view.replace(/^\/+/, '');
  const candidates = [...templates.keys()].filter((p) => {
    const ext = TEMPLATE_EXTENSIONS.find((e) => p.endsWith(e));
    if (!ext) return false;
    const stem = clean.endsWith(ext) ? p : p.slice(0, -ext.length);
    const target = clean.endsWith(ext) ? clean : clean;
    return stem === target || stem.endsWith(`/${target}`);
  });
  candidates.sort((a, b) => Number(b.includes('views/')) - Number(a.includes('views/')) || a.length - b.length || (a < b ? -1 : 1));
  return candidates[0];
}

/** res.render(view, locals): tainted locals printed unescaped by the view. */
export function renderSink(an: Analyzer, args: readonly Value[], site: CallSite): void {
  const view = args[0]?.str;
  const locals = args[1];
  if (view === undefined || !locals) return;
  const path = findTemplate(an.templates, view);
  if (!path) return;
  const text = an.templates.get(path) ?? '';
  for (const output of unescapedOutputs(path, text)) {
    let value = locals;
    for (const key of output.path) value = an.readProp(value, key, null, site.node);
    if (!isTainted(value, 'xss')) continue;
    an.sink('xss', value, site.node, `${an.text(site.node.callee, 40)}()`, `printed unescaped as '${output.path.join('.')}' at ${path}:${output.line}`);
  }
}
