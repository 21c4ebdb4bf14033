import { pythonRegexEscape } from './regex-escape.js';

/**
 * Exclude patterns as in-toto applies them: pathspec's "gitwildmatch" (gitignore)
 * semantics, ported from pathspec 0.11's GitWildMatchPattern so that the same
 * artifacts are left out as by in-toto-run. The last matching pattern decides;
 * `!pattern` re-includes.
 */

export class ExcludePatternError extends Error {
  override readonly name = 'ExcludePatternError';
}

interface CompiledPattern {
  regex: RegExp;
  include: boolean;
}

export class PathSpec {
  private readonly patterns: CompiledPattern[];

  constructor(lines: readonly string[]) {
    this.patterns = lines.flatMap((line) => {
      const compiled = compile(line);
      return compiled ? [compiled] : [];
    });
  }

  matches(file: string): boolean {
    let normalized = file;
    if (normalized.startsWith('/')) normalized = normalized.slice(1);
    else if (normalized.startsWith('./')) normalized = normalized.slice(2);
    let matched = false;
    for (const pattern of this.patterns) if (pattern.regex.test(normalized)) matched = pattern.include;
    return matched;
  }
}

function compile(original: string): CompiledPattern | null {
  let pattern = original.trim();
  if (pattern === '' || pattern.startsWith('#') || pattern === '/') return null;
  let include = true;
  if (pattern.startsWith('!')) {
    include = false;
    pattern = pattern.slice(1);
  }
  const segments = pattern.split('/');
  for (let i = segments.length - 1; i > 0; i--) {
    if (segments[i - 1] === '**' && segments[i] === '**') segments.splice(i, 1);
  }
  let override: string | null = null;
  if (segments.length === 2 && segments[0] === '**' && segments[1] === '') override = '^.+/.*$';
  if (segments[0] === '') segments.shift();
  else if (segments.length === 1 || (segments.length === 2 && segments[1] === '')) {
    if (segments[0] !== '**') segments.unshift('**');
  }
  if (segments.length === 0) throw new ExcludePatternError(`invalid exclude pattern '${original}'`);
  if (segments[segments.length - 1] === '' && segments.length > 1) segments[segments.length - 1] = '**';

  let source = override;
  if (source === null) {
    const out = ['^'];
    let needSlash = false;
    const end = segments.length - 1;
    segments.forEach((segment, i) => {
      if (segment === '**') {
        if (i === 0 && i === end) out.push('[^/]+(?:/.*)?');
        else if (i === 0) {
          out.push('(?:.+/)?');
          needSlash = false;
        } else if (i === end) out.push('/.*');
        else {
          out.push('(?:/.+)?');
          needSlash = true;
        }
      } else if (segment === '*') {
        if (needSlash) out.push('/');
        out.push('[^/]+');
        if (i === end) out.push('(?:/.*)?');
        needSlash = true;
      } else {
        if (needSlash) out.push('/');
        out.push(segmentGlob(segment, original));
        if (i === end) out.push('(?:/.*)?');
        needSlash = true;
      }
    });
    out.push('$');
    source = out.join('');
  }
  try {
    return { regex: new RegExp(source, 'u'), include };
  } catch {
    throw new ExcludePatternError(`invalid exclude pattern '${original}'`);
  }
}

function segmentGlob(segment: string, original: string): string {
  const chars = Array.from(segment);
  let regex = '';
  let escape = false;
  let i = 0;
  const end = chars.length;
  while (i < end) {
    const c = chars[i++]!;
    if (escape) {
      escape = false;
      regex += pythonRegexEscape(c);
    } else if (c === '\\') {
      escape = true;
    } else if (c === '*') {
      regex += '[^/]*';
    } else if (c === '?') {
      regex += '[^/]';
    } else if (c === '[') {
      let j = i;
      if (j < end && chars[j] === '!') j++;
      if (j < end && chars[j] === ']') j++;
      while (j < end && chars[j] !== ']') j++;
      if (j < end) {
        let expr = '[';
        let k = i;
        if (chars[k] === '!') {
          expr += '^';
          k++;
        } else if (chars[k] === '^') {
          expr += '\\^';
          k++;
        }
        for (; k < j; k++) {
          const member = chars[k]!;
          expr += member === '\\' || member === '[' || member === ']' ? `\\${member}` : member;
        }
        regex += `${expr}]`;
        i = j + 1;
      } else {
        regex += '\\[';
      }
    } else {
      regex += pythonRegexEscape(c);
    }
  }
  if (escape) throw new ExcludePatternError(`invalid exclude pattern '${original}' (trailing backslash)`);
  return regex;
}
