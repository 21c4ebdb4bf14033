import type { Severity } from '../../core/finding.js';
import type { RuleDoc } from '../../core/rule.js';
import type { SinkClass } from './analysis/value.js';

/** A taint rule: attacker-controlled data reaching one class of sink. */
export interface TaintRule {
  cls: SinkClass;
  /** "sast/<name>" */
  id: string;
  title: string;
  cwe: string;
  /** Further weaknesses a finding names after `cwe` (argument injection, CWE-88, under command injection). */
  alsoCwe?: readonly string[];
  /** Severity when the source is web request input; library inputs are capped at medium. */
  severity: Severity;
  /** What reaches what, completed with the source and sink in each finding's message. */
  harm: string;
  description: string;
  remediation: string;
}

export const TAINT_RULES: readonly TaintRule[] = [
  {
    cls: 'command',
    id: 'sast/command-injection',
    title: 'OS command built from untrusted input',
    cwe: 'CWE-78',
    severity: 'critical',
    harm: 'runs as a shell command',
    description:
      "Untrusted input reaches a function that runs an operating system command through a shell (child_process.exec, spawn or execFile with the shell option on, also when it is on for one platform only such as shell: process.platform === 'win32', execa with shell, shelljs). Shell metacharacters in the input run arbitrary commands with the privileges of the process. Without a shell, input that begins an argument of git, ssh, scp, rsync, tar, find, zip, curl, wget or sendmail can begin with '-' and become an option that runs a command or writes a file (argument injection, CWE-88: git's --upload-pack=<command>, ssh's -oProxyCommand=<command>).",
    remediation:
      "Run the program directly without a shell (execFile/spawn with an argument array and no shell option), keep the program name constant, and validate arguments against an allow-list; if a shell is unavoidable, quote with shell-quote. Put '--' before arguments that come from input, or reject input that begins with '-'.",
  },
  {
    cls: 'code',
    id: 'sast/code-injection',
    title: 'Code evaluated from untrusted input',
    cwe: 'CWE-94',
    severity: 'critical',
    harm: 'is evaluated as JavaScript',
    description:
      'Untrusted input reaches eval, the Function constructor, the vm module, a string timer, or the source of a template that an engine compiles to JavaScript (ejs, pug, nunjucks, doT, lodash templates: server-side template injection). The attacker runs arbitrary JavaScript in the process (vm is not a security boundary).',
    remediation: 'Do not evaluate input. Parse data with JSON.parse, map names to functions with an allow-listed object, pass functions (not strings) to timers, and keep templates constant: pass input as template data, never as template source.',
  },
  {
    cls: 'path',
    id: 'sast/path-traversal',
    title: 'File path built from untrusted input',
    cwe: 'CWE-22',
    severity: 'high',
    harm: 'is used as a file system path',
    description:
      'Untrusted input reaches a file system path (fs, fs/promises, fs-extra, streams, res.sendFile, res.download). Sequences like ../ read or overwrite files outside the intended directory.',
    remediation:
      "Resolve the path against a fixed base directory with path.resolve, then check that the result starts with the base plus a separator before using it; or keep only path.basename of the input; res.sendFile with the `root` option does this check.",
  },
  {
    cls: 'sql',
    id: 'sast/sql-injection',
    title: 'SQL query built from untrusted input',
    cwe: 'CWE-89',
    severity: 'critical',
    harm: 'is part of an SQL query',
    description:
      'Untrusted input is concatenated or interpolated into an SQL statement (mysql, mysql2, pg, sqlite3, better-sqlite3, sequelize.query, knex.raw, Prisma $queryRawUnsafe). The attacker changes the query: reads, modifies or deletes data.',
    remediation: 'Use placeholders and pass the values separately (`query("... WHERE id = ?", [id])`, Prisma tagged $queryRaw, knex bindings).',
  },
  {
    cls: 'nosql',
    id: 'sast/nosql-injection',
    title: 'Database query filter or operator from untrusted input',
    cwe: 'CWE-943',
    severity: 'high',
    harm: 'is used as a database query filter',
    description:
      'Untrusted input shapes a database query filter: a request value that may be an object (JSON bodies, qs query strings) carries operators such as {"$ne": null} that bypass checks like password comparisons; a key chosen by input can name an operator; and operators that interpret strings run or match what the attacker wrote ($where evaluates JavaScript, $regex takes any pattern). Document databases (MongoDB drivers, Mongoose) read operators in filters, and so do ORMs whose where objects accept string operator aliases (Sequelize before v5 by default).',
    remediation:
      'Convert request values to the expected type (String(x), Number(x)) before building filters, reject keys that start with "$" (mongo-sanitize, express-mongo-sanitize), escape input used in $regex (escape-string-regexp), never build $where from input, and on Sequelize use Op symbols with string operator aliases off (the default from v5).',
  },
  {
    cls: 'xss',
    id: 'sast/xss',
    title: 'Cross-site scripting: untrusted input in HTML',
    cwe: 'CWE-79',
    severity: 'high',
    harm: 'is written into an HTML response',
    description:
      'Untrusted input is written into an HTML response without escaping (res.send, res.write/end of markup, unescaped template output such as ejs <%-, handlebars {{{ }}}, pug !=, or React dangerouslySetInnerHTML). The attacker runs script in other users\' browsers.',
    remediation: 'Escape output for its HTML context (escape-html, the template engine\'s escaping tags), or send data as JSON (res.json).',
  },
  {
    cls: 'redirect',
    id: 'sast/open-redirect',
    title: 'Redirect to a URL from untrusted input',
    cwe: 'CWE-601',
    severity: 'medium',
    harm: 'is used as a redirect target',
    description: 'Untrusted input chooses where a redirect (res.redirect, Location header, ctx.redirect) sends the user, which phishing pages use to borrow the site\'s trust.',
    remediation: 'Redirect only to relative paths starting with a single "/", or to hosts on an allow-list.',
  },
  {
    cls: 'ssrf',
    id: 'sast/ssrf',
    title: 'Server-side request to a URL from untrusted input',
    cwe: 'CWE-918',
    severity: 'high',
    harm: 'is used as the URL of an outgoing request',
    description:
      'Untrusted input chooses the URL or host of a request the server makes (http/https, fetch, axios, got, undici, needle, request). The attacker reaches internal services and cloud metadata endpoints.',
    remediation: 'Build outgoing URLs from a fixed origin and validate the host against an allow-list after parsing with new URL(); block private address ranges.',
  },
  {
    cls: 'deserialization',
    id: 'sast/unsafe-deserialization',
    title: 'Unsafe deserialization of untrusted input',
    cwe: 'CWE-502',
    severity: 'critical',
    harm: 'is deserialized by a library that can run code',
    description: 'Untrusted input is deserialized with a library that revives functions (node-serialize, funcster, js-yaml load in versions before 4, cryo): the payload runs code.',
    remediation: 'Use JSON.parse, or js-yaml 4 (load is safe) / safeLoad in older versions.',
  },
  {
    cls: 'prototype',
    id: 'sast/prototype-pollution',
    title: 'Prototype pollution through attacker-controlled keys',
    cwe: 'CWE-1321',
    severity: 'high',
    harm: 'is assigned through attacker-controlled property names',
    description:
      'A property is assigned with a key that the attacker controls on an object that was itself looked up with an attacker-controlled key (obj[a][b] = c, recursive merge or path set). With a = "__proto__" the assignment changes Object.prototype for the whole process.',
    remediation:
      'Skip the keys "__proto__", "constructor" and "prototype", create maps with Object.create(null) or Map, or check own properties of the target with Object.hasOwn before descending.',
  },
  {
    cls: 'regex',
    id: 'sast/regex-injection',
    title: 'Regular expression built from untrusted input',
    cwe: 'CWE-1333',
    severity: 'medium',
    harm: 'is compiled as a regular expression',
    description: 'Untrusted input is compiled with new RegExp(). A crafted pattern takes exponential time (ReDoS) and blocks the event loop.',
    remediation: 'Escape the input (lodash escapeRegExp, escape-string-regexp) or match it with string methods.',
  },
  {
    cls: 'xxe',
    id: 'sast/xxe',
    title: 'XML parsed with external entities enabled',
    cwe: 'CWE-611',
    severity: 'high',
    harm: 'is parsed as XML with external entities enabled',
    description: 'Untrusted XML is parsed with entity substitution (libxmljs noent: true), which reads local files and reaches internal URLs.',
    remediation: 'Parse without noent (the default), or use a parser that never resolves external entities.',
  },
  {
    cls: 'xpath',
    id: 'sast/xpath-injection',
    title: 'XPath query built from untrusted input',
    cwe: 'CWE-643',
    severity: 'high',
    harm: 'is part of an XPath query',
    description:
      "Untrusted input is concatenated into an XPath expression (xpath.select, xpath.select1, xpath.evaluate, xpath.parse). A quote in the input closes the string literal and adds conditions (' or '1'='1), so the query returns nodes it was meant to hide, such as other users' records in an XML store.",
    remediation:
      'Keep the expression constant and pass input as an XPath variable ($name, bound through xpath.parse(expr).select({ node, variables }) or a variableResolver), or allow only expected characters before building the expression.',
  },
  {
    cls: 'header',
    id: 'sast/header-injection',
    title: 'HTTP response header from untrusted input',
    cwe: 'CWE-113',
    severity: 'medium',
    harm: 'is written into a response header',
    description: 'Untrusted input is written into a response header. Old runtimes and proxies allow CR/LF to split the response; current Node.js rejects them with an exception, which still lets the attacker break the response.',
    remediation: 'Validate header values against the expected format, or encode them (encodeURIComponent).',
  },
  {
    cls: 'log',
    id: 'sast/log-injection',
    title: 'Untrusted input written to logs',
    cwe: 'CWE-117',
    severity: 'low',
    harm: 'is written to a log',
    description: 'Untrusted input is logged as is; line breaks forge log entries and terminal escape sequences can mislead whoever reads the logs.',
    remediation: 'Log structured data (JSON) or strip CR, LF and control characters from input before logging.',
  },
];

const COMMAND_RULE = TAINT_RULES.find((rule) => rule.cls === 'command')!;

/** Argument injection findings belong to the command injection rule, with their own wording and CWE-88. */
const ARGUMENT_RULE: TaintRule = {
  ...COMMAND_RULE,
  cls: 'argument',
  alsoCwe: ['CWE-88'],
  harm: "can begin an argument of a program run without a shell, where a leading '-' makes it an option (argument injection),",
};

const byClass = new Map<SinkClass, TaintRule>([...TAINT_RULES.map((rule): [SinkClass, TaintRule] => [rule.cls, rule]), ['argument', ARGUMENT_RULE]]);

export function ruleForClass(cls: SinkClass): TaintRule {
  return byClass.get(cls)!;
}

export function taintRuleDocs(): RuleDoc[] {
  return TAINT_RULES.map((rule) => ({
    id: rule.id,
    title: rule.title,
    description: `${rule.description} Library-input findings (parameters of a package's exported functions) are reported at medium severity at most.`,
    remediation: rule.remediation,
    severity: rule.severity,
    confidence: 'high',
    cwe: [rule.cwe],
    tags: ['security', 'taint'],
  }));
}
