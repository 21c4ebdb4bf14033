import type { Severity } from '../../../core/finding.js';
import { detailNote, inside, type Hit } from '../rule.js';
import { isYMap, isYScalar, isYSeq, type YNode, type YScalar } from '../yaml/tree.js';
import { conditionsOf } from './condition-rules.js';
import { expressions, lineOfText, type Workflow } from './model.js';
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

/** Every string scalar of the document with the line of the key (or list entry) that holds it. */
function* scalarsWithKeys(node: YNode | null | undefined, keyLine: number): Generator<{ scalar: YScalar; keyLine: number }> {
  if (isYScalar(node)) {
    if (typeof node.value === 'string') yield { scalar: node, keyLine };
  } else if (isYMap(node)) {
    for (const p of node.pairs) yield* scalarsWithKeys(p.value, p.keyLine);
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
