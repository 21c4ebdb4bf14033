import type { Hit } from '../../rule.js';
import { isLiteralSecretValue } from '../../secret-names.js';
import type { Expr } from '../hcl/ast.js';
import { attribute, label, resourcesOf, type TfInput } from '../model.js';
import { sectionsAt, setting } from './azure-common.js';

/** Where resources take a password: their types, the nested blocks on the way, and the argument's names. */
export interface PasswordPlace {
  types: readonly string[];
  path: readonly string[];
  names: readonly string[];
}

/** A string written out in the argument itself, without interpolation (not read through a variable or a local). */
export const writtenOut = (expr: Expr | undefined): boolean => expr !== undefined && expr.kind === 'template' && expr.parts.every((p) => p.kind === 'text');

/**
 * The passwords of these places that are literals of the configuration: written in the
 * argument (the rule's severity), or given by a variable default, a local or a .tfvars file
 * (medium: a deployment may override them). `loginAs` ends the message (" as its administrator").
 */
export function* writtenPasswords(input: TfInput, places: readonly PasswordPlace[], loginAs = ''): Generator<Hit> {
  for (const place of places) {
    for (const resource of resourcesOf(input, ...place.types)) {
      const owners = place.path.length === 0 ? [resource.block] : sectionsAt(input, resource.block, ...place.path);
      for (const owner of owners) {
        const found = setting(input, resource, owner, place.names);
        const value = found?.values.find((v): v is string => typeof v === 'string' && isLiteralSecretValue(v, found.name));
        if (!found || value === undefined) continue;
        const block = 'instance' in owner ? owner.block : owner;
        const literal = writtenOut(attribute(block, found.name)!.expr);
        const where = literal ? 'a password written in the file' : 'a password written in the configuration (a variable default, a local or a .tfvars file)';
        yield {
          line: found.line,
          message: `${label(resource)} sets ${[...place.path, found.name].join('.')} to ${where}: whoever reads the repository or the state can log in${loginAs}.`,
          resource: label(resource),
          secret: value,
          ...(literal ? {} : { severity: 'medium' as const }),
        };
      }
    }
  }
}
