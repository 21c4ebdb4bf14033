/**
 * The shell functions a script defines (`uploader() { ... }`, `function publish { ... }`),
 * by name, with their bodies as text, and the script's own commands without them: what
 * runs when the script is sourced, and what a later call of each function runs. Bodies
 * are found by matching braces outside quotes and comments; nothing is expanded or run.
 */
export interface ShellFunctions {
  /** Each function's body, between its braces (the last definition of a name wins, as in the shell). */
  functions: Map<string, string>;
  /** The script with every definition blanked out (its newlines kept, so offsets and lines stay). */
  rest: string;
}

/** A definition's head up to its opening brace: `name()`, `name ()`, `function name`, `function name()`; the brace may open the next line. */
const DEFINITION = /^[ \t]*(?:function[ \t]+([A-Za-z_][\w:.-]*)(?:[ \t]*\([ \t]*\))?|([A-Za-z_][\w:.-]*)[ \t]*\([ \t]*\))[ \t]*(?:\r?\n[ \t]*)?\{(?=[\s])/gm;

/** The offset just after the `}` that closes the brace before `start`, or undefined when none does. */
function closingBrace(script: string, start: number): number | undefined {
  let depth = 1;
  for (let i = start; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\') i++;
    else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '"') {
      for (i++; i < script.length && script[i] !== '"'; i++) if (script[i] === '\\') i++;
    } else if (c === '#' && (i === 0 || /[\s;&|(]/.test(script[i - 1]!))) {
      const end = script.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return undefined;
}

export function shellFunctions(script: string): ShellFunctions {
  const functions = new Map<string, string>();
  let rest = '';
  let copied = 0;
  DEFINITION.lastIndex = 0;
  for (let found = DEFINITION.exec(script); found; found = DEFINITION.exec(script)) {
    const bodyStart = found.index + found[0].length;
    const end = closingBrace(script, bodyStart);
    // An unclosed body: the rest of the script is not known to be a function's.
    if (end === undefined) break;
    functions.set((found[1] ?? found[2])!, script.slice(bodyStart, end - 1));
    rest += script.slice(copied, found.index) + script.slice(found.index, end).replace(/[^\n]/g, ' ');
    copied = end;
    DEFINITION.lastIndex = end;
  }
  return { functions, rest: rest + script.slice(copied) };
}

/** An argument that reads the same written bare inside a body as at the call: plain path characters, and variables. */
const PLAIN_ARGUMENT = /^[\w./:@%+=,${}-]+$/;

/**
 * A function's body as one call runs it: `$1`..`$9`, `${1}`, `$@` and `$*` (outside single
 * quotes) replaced by the call's arguments, so that what the body copies or publishes is what
 * the caller named. An argument that is missing or not plain leaves its parameter as written.
 */
export function bodyWithArguments(body: string, args: readonly string[]): string {
  const plain = (arg: string | undefined) => arg !== undefined && PLAIN_ARGUMENT.test(arg);
  return body
    .split(/('[^']*')/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/"\$(?:@|\*|\{[@*]\})"|\$(?:@|\*|\{[@*]\})/g, (match) => (args.every(plain) ? args.join(' ') : match))
            .replace(/"\$(?:([1-9])|\{([1-9])\})"|\$(?:([1-9])|\{([1-9])\})(?![\w])/g, (match, a?: string, b?: string, c?: string, d?: string) => {
              const arg = args[Number(a ?? b ?? c ?? d) - 1];
              return plain(arg) ? arg! : match;
            }),
    )
    .join('');
}
