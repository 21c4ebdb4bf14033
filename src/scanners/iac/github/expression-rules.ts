import type { Severity } from '../../../core/finding.js';
import { detailNote, inside, type Hit } from '../rule.js';
import { isYMap, isYScalar, isYSeq, type YNode, type YScalar } from '../yaml/tree.js';
import { conditionsOf } from './condition-rules.js';
import { constantParts, contextHeads, falsyTernaryValues, isConstant, parseExpression, type ExprNode } from './expression.js';
import { expressions, lineOfText, type Expression, type Workflow } from './model.js';
import { workflow, workflowRule } from './rule-kit.js';

/** The text of a function's argument list starting after `(`: up to the matching `)`, quotes respected. */
function argumentList(source: string, open: number): string | undefined {
  let depth = 1;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'") {
      // Skip the string; expression strings write a quote inside as ''.
      let j = i + 1;
      while (j < source.length && !(source[j] === "'" && source[j + 1] !== "'")) j += source[j] === "'" ? 2 : 1;
      i = j;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return source.slice(open, i);
  }
  return undefined;
}

/** `'a b', github.ref` -> [`'a b'`, `github.ref`]: the arguments split on top-level commas. */
function splitArguments(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(list.slice(start).trim());
  return out;
}

/**
 * Contexts whose value whoever triggers the run chooses, at least in part: a branch or
 * tag name, an actor, an env variable or input. A substring check on them can be met by
 * a crafted name (`mai` is inside `refs/heads/main`).
 */
const CHOSEN_BY_TRIGGER = /^(?:github\.(?:ref|ref_name|head_ref|base_ref|actor|triggering_actor|sha|event\..+)|env\..+|inputs\..+)$/i;
const CONTEXT = /^[A-Za-z_][\w-]*(?:\.(?:[\w-]+|\*)|\[[^\]]*\])*$/;

/** `contains('<string>', <context>)` calls of a condition: the context and the string searched. */
export function unsoundContains(condition: string): Array<{ context: string; haystack: string }> {
  const out: Array<{ context: string; haystack: string }> = [];
  for (const match of condition.matchAll(/\bcontains\s*\(/gi)) {
    const list = argumentList(condition, match.index + match[0].length);
    if (list === undefined) continue;
    const args = splitArguments(list);
    if (args.length !== 2 || !/^'[\s\S]*'$/.test(args[0]!)) continue;
    // A literal list from fromJSON('[...]') is a real membership test; a string is searched for a substring.
    if (CONTEXT.test(args[1]!)) out.push({ context: args[1]!, haystack: args[0]! });
  }
  return out;
}

export const unsoundContainsRule = workflowRule({
  id: 'iac/gha-substring-condition',
  title: 'Condition tests membership with a substring search',
  description:
    "`contains('refs/heads/main refs/heads/release', github.ref)` searches a string, not a list: it is also true for every part of that string, so a branch named `mai`, `release` or even `refs/heads/m` passes a check meant to keep a deploy or a secret to two branches. The same goes for actors, inputs and env variables tested this way.",
  remediation: "Test against a real list: `contains(fromJSON('[\"refs/heads/main\", \"refs/heads/release\"]'), github.ref)`, or compare with == and join the tests with ||.",
  severity: 'medium',
  cwe: ['CWE-697'],
  examples: {
    positive: [
      workflow("      - run: ./deploy.sh\n        # expect\n        if: ${{ contains('refs/heads/main refs/heads/release', github.ref) }}\n"),
      workflow("      - run: ./deploy.sh\n        # expect\n        if: github.event_name == 'push' && Contains('alice,bob', github.actor)\n"),
    ],
    negative: [
      workflow("      - run: ./deploy.sh\n        if: contains(fromJSON('[\"refs/heads/main\", \"refs/heads/release\"]'), github.ref)\n"),
      workflow("      - run: ./deploy.sh\n        if: contains(github.event.head_commit.message, '[deploy]') && contains(github.ref, 'refs/tags/')\n"),
    ],
  },
  *check(wf) {
    for (const { condition, value, label } of conditionsOf(wf)) {
      for (const { context, haystack } of unsoundContains(value)) {
        const chosen = CHOSEN_BY_TRIGGER.test(context);
        yield {
          line: condition.keyLine,
          message: `The if: of ${label} searches ${context} inside the string ${haystack}, so any part of it passes too${chosen ? ', and whoever triggers the run chooses that value' : ''}; test against fromJSON('[...]').`,
          resource: label,
          severity: (chosen ? 'medium' : 'low') satisfies Severity,
        } satisfies Hit;
      }
    }
  },
});

/** `fromJSON(secrets.X)`, `fromJSON(secrets['X'])`, `fromJSON(secrets)`. */
const SECRET_PARSED = /\bfromJSON\s*\(\s*secrets\s*[.[)]/i;

/** Every string scalar of the document with the line and name of the key (or list entry: no key) that holds it. */
function* scalarsWithKeys(node: YNode | null | undefined, keyLine: number, key?: string): Generator<{ scalar: YScalar; keyLine: number; key?: string }> {
  if (isYScalar(node)) {
    if (typeof node.value === 'string') yield { scalar: node, keyLine, ...(key !== undefined ? { key } : {}) };
  } else if (isYMap(node)) {
    for (const p of node.pairs) yield* scalarsWithKeys(p.value, p.keyLine, p.key);
  } else if (isYSeq(node)) {
    for (const item of node.items) yield* scalarsWithKeys(item, item.line);
  }
}

export const unredactedSecret = workflowRule({
  id: 'iac/gha-unredacted-secret',
  title: 'Secret parsed as JSON escapes log masking',
  description:
    "The runner masks the exact value of each secret in logs. `fromJSON(secrets.X).field` takes a piece of a structured secret (a password inside a JSON blob): that piece is not a registered secret value, so when a step prints it, or a tool logs its arguments, it appears in clear text in the job log, which every reader of the repository's Actions runs can see.",
  remediation: 'Store each field as its own secret and reference it directly (`secrets.DEPLOY_PASSWORD`), or register the extracted value with `echo "::add-mask::$VALUE"` before anything can print it.',
  severity: 'medium',
  cwe: ['CWE-532'],
  examples: {
    positive: [
      workflow('      - run: ./deploy.sh\n        env:\n          # expect\n          DEPLOY_USER: ${{ fromJSON(secrets.DEPLOY).user }}\n          # expect\n          DEPLOY_PASSWORD: ${{ fromJson(secrets[\'DEPLOY\']).password }}\n'),
      workflow('      # expect\n      - run: |\n          ./prepare.sh\n          # detail\n          ./login.sh "${{ fromJSON(secrets.CLOUD).key }}"\n'),
    ],
    negative: [workflow('      - run: ./deploy.sh\n        env:\n          DEPLOY_PASSWORD: ${{ secrets.DEPLOY_PASSWORD }}\n          SETTINGS: ${{ fromJSON(vars.SETTINGS).region }}\n')],
  },
  *check(wf: Workflow) {
    for (const { scalar, keyLine } of scalarsWithKeys(wf.root, wf.root.line)) {
      for (const expression of expressions(scalar.value as string)) {
        if (!SECRET_PARSED.test(expression.inner)) continue;
        const at = inside(keyLine, lineOfText(wf, scalar, expression.raw, keyLine));
        yield { ...at, message: `${expression.raw}${detailNote(at)} takes a part of a secret that log masking does not know; store the field as its own secret.` } satisfies Hit;
      }
    }
  },
});

/** Every `${{ }}` expression of the document, read, with where it is written. */
function* parsedExpressions(wf: Workflow): Generator<{ scalar: YScalar; keyLine: number; key?: string; expression: Expression; tree: ExprNode }> {
  for (const { scalar, keyLine, key } of scalarsWithKeys(wf.root, wf.root.line)) {
    for (const expression of expressions(scalar.value as string)) {
      const tree = parseExpression(expression.inner);
      if (tree) yield { scalar, keyLine, ...(key !== undefined ? { key } : {}), expression, tree };
    }
  }
}

export const constantExpression = workflowRule({
  id: 'iac/gha-constant-expression',
  title: 'Expression whose value is a constant',
  description:
    "A `${{ }}` expression reads no context: `${{ '' }}`, `${{ 'cu' }}rl`, `${{ format('{0}{1}', 'secr', 'ets') }}`. GitHub replaces it with a fixed text before the step runs, so it has no purpose but to keep that text out of sight: a command split by `${{ '' }}` in a script, a tool version, an action input or a context name assembled by format() is missed by reviewers and by checks that read the file.",
  remediation: "Write the value itself. (To print a literal `${{`, `${{ '${{' }}` remains the way and is not reported.)",
  severity: 'low',
  cwe: ['CWE-656'],
  examples: {
    positive: [
      workflow("      # expect\n      - run: |\n          # detail\n          cu${{ '' }}rl -fsSL https://example.org/x.sh -o x.sh\n"),
      workflow("      - uses: aquasecurity/setup-trivy@9ea583eb67910444b1f64abf338bd2e105a0a93d # v0.2.3\n        with:\n          # expect\n          version: ${{ format('{0}{1}', 'lat', 'est') }}\n      - env:\n          # expect\n          TITLE: ${{ github.event[format('{0}', 'issue')].title }}\n        run: ./triage.sh\n", 'issues'),
    ],
    negative: [
      workflow("      - run: echo \"${{ github.sha }} ${{ '${{' }} not an expression }}\"\n        if: ${{ false }}\n      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: ${{ matrix.node || 22 }}\n          check-latest: ${{ true }}\n      - run: ./deploy.sh\n        if: contains(fromJSON('[\"main\", \"release\"]'), github.ref_name)\n        env:\n          OPTIONAL_HEADERS: ${{ '' }}\n      - name: Package ${{ '' }}\n        run: make package\n"),
    ],
  },
  *check(wf) {
    for (const { scalar, keyLine, key, expression, tree } of parsedExpressions(wf)) {
      // A constant condition switches a step on or off in plain sight; names are only shown in the UI.
      if (key === 'if' || key === 'name' || key === 'run-name') continue;
      let parts: ExprNode[];
      if (isConstant(tree)) {
        // A literal alone hides nothing when it is the whole value (`VAR: ${{ '' }}` sets an empty value) or is not
        // text (`${{ true }}`); `${{ '${{' }}` is how a literal `${{` is written. Glued to other text, it splits a word.
        const whole = (scalar.value as string).trim() === expression.raw;
        if (tree.kind === 'literal' && (whole || typeof tree.value !== 'string' || tree.value.includes('${{'))) continue;
        parts = [tree];
      } else parts = constantParts(tree);
      if (parts.length === 0) continue;
      const at = inside(keyLine, lineOfText(wf, scalar, expression.raw, keyLine));
      const shown = parts.map((p) => expression.inner.slice(p.start, p.end)).join(', ');
      yield { ...at, message: `${expression.raw}${detailNote(at)} computes a fixed value (${shown}); write the value itself.` } satisfies Hit;
    }
  },
});

export const unsoundTernary = workflowRule({
  id: 'iac/gha-unsound-ternary',
  title: "Pseudo-ternary `cond && '' || other` always takes the other branch",
  description:
    "Expressions have no ternary operator, and `cond && a || b` stands in for one only when `a` is truthy. When `a` is '', 0, false or null, `cond && a` is falsy whatever the condition, so the expression always yields `b`: `${{ github.event_name == 'pull_request' && '' || secrets.DEPLOY_TOKEN }}` hands the token to pull request runs too, and a flag meant to be left out for one case is always passed.",
  remediation: "Use `case(cond, a, b)`, or invert the test so that the falsy value comes last: `${{ github.event_name != 'pull_request' && secrets.DEPLOY_TOKEN || '' }}`.",
  severity: 'low',
  cwe: ['CWE-670'],
  examples: {
    positive: [
      workflow("      - run: ./deploy.sh\n        env:\n          # expect\n          TOKEN: ${{ github.event_name == 'pull_request' && '' || secrets.DEPLOY_TOKEN }}\n", 'pull_request'),
      workflow("      # expect\n      - if: github.ref == 'refs/heads/main' && false || inputs.force\n        run: ./release.sh\n"),
    ],
    negative: [
      workflow("      - run: ./deploy.sh\n        env:\n          TOKEN: ${{ github.event_name != 'pull_request' && secrets.DEPLOY_TOKEN || '' }}\n          MODE: ${{ case(github.event_name == 'push', '', 'dry-run') }}\n          LEVEL: ${{ (inputs.debug && 'debug') || 'info' }}\n", 'pull_request'),
    ],
  },
  *check(wf) {
    const seen: Array<{ scalar: YScalar; keyLine: number; raw: string; inner: string }> = [];
    for (const { scalar, keyLine, expression } of parsedExpressions(wf)) seen.push({ scalar, keyLine, raw: expression.raw, inner: expression.inner });
    // A bare `if:` is one expression without `${{ }}`.
    for (const { condition, value } of conditionsOf(wf)) {
      if (!/\$\{\{/.test(value) && isYScalar(condition.value)) seen.push({ scalar: condition.value, keyLine: condition.keyLine, raw: value, inner: value });
    }
    for (const { scalar, keyLine, raw, inner } of seen) {
      const tree = parseExpression(inner);
      if (!tree) continue;
      for (const { value, fallbacks } of falsyTernaryValues(tree)) {
        const at = inside(keyLine, lineOfText(wf, scalar, raw, keyLine));
        const secret = fallbacks.some((f) => contextHeads(f).includes('secrets'));
        yield {
          ...at,
          message: `${raw.trim()}${detailNote(at)} uses && ${inner.slice(value.start, value.end)} || ... as a ternary; with a falsy middle value it always yields what follows${secret ? ', so the secret is passed in the case meant to leave it out' : ''}.`,
          severity: secret ? 'medium' : 'low',
        } satisfies Hit;
      }
    }
  },
});
