import { posix } from 'node:path';
import { isYMap, isYScalar, type YNode } from '../yaml/tree.js';
import { resourcesOf, prop } from './model.js';
import { follow, intrinsic, UNKNOWN, type Scalar, type Unknown } from './resolve.js';
import { parseTemplate, type CfnTemplate } from './template.js';

/**
 * Templates that a template of the scan deploys as nested stacks from a local path
 * (`AWS::CloudFormation::Stack` with `TemplateURL: ./network.yaml`, SAM's
 * `AWS::Serverless::Application` with `Location: ./child.yaml`), as `aws cloudformation
 * package` and `sam deploy` upload them. The parent gives the child's parameters: a
 * parameter it passes does not keep the child's Default.
 */

/** A value a parent gives a child's parameter: known text, or unknown (a reference, an attribute, a parameter without a default). */
export type PassedValue = Scalar | Unknown;

/** What the parents of a child template give one of its parameters: every parent's value, `undefined` where a parent leaves it to the Default. */
export interface PassedParameter {
  /** One value when every parent gives the same known one; UNKNOWN when they differ or one cannot be known; absent when no parent passes it. */
  value: PassedValue;
  /** The parents' paths, for messages. */
  parents: string[];
}

/** What the parents give the parameter of this name, or undefined when none passes it. */
export type PassedParameters = (name: string) => PassedParameter | undefined;

const STACK_TYPES = ['AWS::CloudFormation::Stack', 'AWS::Serverless::Application'];
/** Cheap test before a parse: only a template that deploys a nested stack is read ahead of the loop. */
const MAY_NEST = /AWS::(?:CloudFormation::Stack|Serverless::Application)\b/;

/** Per scan: the parameters parents pass, by the child's path from the scan root. */
export class NestedStacks {
  /** child path -> parent path -> parameter name -> value (a parent that names the child but not a parameter leaves it out; ALL: parameters the parent builds in a way not known). */
  private readonly passed = new Map<string, Map<string, Map<string | typeof ALL, PassedValue>>>();

  constructor(private readonly scanPaths: ReadonlySet<string>) {}

  /** Reads a file of the scan ahead of the loop; a file that deploys no nested stack costs a regular-expression test. */
  visit(path: string, source: string): void {
    if (!MAY_NEST.test(source)) return;
    const template = parseTemplate(source, () => {});
    if (!template) return;
    for (const r of resourcesOf(template, ...STACK_TYPES)) {
      const child = this.childPath(path, template, prop(template, r, r.type === 'AWS::CloudFormation::Stack' ? 'TemplateURL' : 'Location')?.value);
      if (child === undefined) continue;
      const byParent = this.passed.get(child) ?? new Map<string, Map<string | typeof ALL, PassedValue>>();
      this.passed.set(child, byParent);
      // Two stacks of one parent that deploy the same child with different values disagree as two parents do.
      const key = byParent.has(path) ? `${path}#${r.id}` : path;
      byParent.set(key, parametersPassed(template, prop(template, r, 'Parameters')?.value));
    }
  }

  /** The parameters a child template's parents give it, or undefined when no template of the scan deploys it. */
  passedTo(path: string): PassedParameters | undefined {
    const byParent = this.passed.get(path);
    if (!byParent) return undefined;
    const parents = [...new Set([...byParent.keys()].map((k) => k.split('#')[0]!))];
    return (name) => {
      const values = [...byParent.values()].map((parameters) => (parameters.has(name) ? parameters.get(name)! : parameters.has(ALL) ? UNKNOWN : DEFAULT));
      if (values.every((v) => v === DEFAULT)) return undefined;
      const first = values[0];
      // A parent that leaves the parameter to its Default and one that passes a value: either may be deployed.
      return { value: values.every((v) => v === first) ? (first as PassedValue) : UNKNOWN, parents };
    };
  }

  private childPath(parentPath: string, template: CfnTemplate, node: YNode | null | undefined): string | undefined {
    const target = follow(template, node);
    if (target === UNKNOWN || !isYScalar(target) || typeof target.value !== 'string') return undefined;
    const location = target.value.trim();
    // An S3 or HTTPS address, or a Serverless Application Repository application, is not a file of the scan.
    if (location === '' || /^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith('/')) return undefined;
    const child = posix.normalize(posix.join(posix.dirname(parentPath), location));
    return this.scanPaths.has(child) ? child : undefined;
  }
}

const DEFAULT: unique symbol = Symbol('left to the default');
const ALL: unique symbol = Symbol('every parameter');

function parametersPassed(t: CfnTemplate, node: YNode | null | undefined): Map<string | typeof ALL, PassedValue> {
  const out = new Map<string | typeof ALL, PassedValue>();
  const target = follow(t, node);
  if (target === null) return out;
  if (target === UNKNOWN || !isYMap(target)) return out.set(ALL, UNKNOWN);
  for (const p of target.pairs) {
    const v = follow(t, p.value);
    if (v === null) continue; // AWS::NoValue: not passed
    // Lists, maps and functions the parent cannot resolve are unknown to the child: rules do not fire on them.
    out.set(p.key, v !== UNKNOWN && isYScalar(v) && !intrinsic(v) ? v.value : UNKNOWN);
  }
  return out;
}
