/**
 * Gradle dependency locking: `gradle.lockfile` ("group:artifact:version=conf1,conf2",
 * Gradle 6+) and the older per-configuration files in gradle/dependency-locks/
 * (one "group:artifact:version" a line, the configuration in the file name).
 * A dependency used only by test configurations is dev. The lockfile is flat: it
 * does not say which dependencies are direct.
 */
import type { Package } from '../model.js';
import { basename, defineParser, dirname } from './parser.js';
import { purlFor } from './purl.js';
import { splitLines } from './support/lines.js';

function isTestConfiguration(name: string): boolean {
  return /^test|Test[A-Z]?|^androidTest|^testFixtures/.test(name);
}

export const gradleLockfile = defineParser({
  id: 'gradle-lockfile',
  ecosystem: 'Maven',
  matches: (path) =>
    basename(path) === 'gradle.lockfile' ||
    basename(path).endsWith('.gradle.lockfile') ||
    (basename(path).endsWith('.lockfile') && dirname(path).endsWith('gradle/dependency-locks')),
  parse(text, ctx) {
    const legacyConfiguration = basename(ctx.path) === 'gradle.lockfile' ? undefined : basename(ctx.path).replace(/\.lockfile$/, '');
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      const lineNumber = i + 1;
      if (!line || line.startsWith('#')) continue;
      const eq = line.indexOf('=');
      const coordinates = eq === -1 ? line : line.slice(0, eq);
      const configurations =
        eq === -1 ? (legacyConfiguration ? [legacyConfiguration] : []) : line.slice(eq + 1).split(',').map((c) => c.trim()).filter(Boolean);
      if (coordinates === 'empty') continue; // "empty=conf1,conf2": configurations with no dependencies
      const parts = coordinates.split(':');
      if (parts.length < 3 || parts.some((p) => p === '')) {
        ctx.warn(`cannot read ${JSON.stringify(line.slice(0, 80))}: expected group:artifact:version`, lineNumber);
        continue;
      }
      const [group, artifact, version, classifier] = parts as [string, string, string, string | undefined];
      const name = `${group}:${artifact}`;
      const pkg: Package = {
        name,
        version,
        ecosystem: 'Maven',
        purl: purlFor('Maven', name, version, classifier ? { classifier } : undefined),
        direct: false,
        dev: configurations.length > 0 && configurations.every(isTestConfiguration),
        location: { path: ctx.path, startLine: lineNumber },
        source: 'registry',
      };
      ctx.packages.push(pkg);
    }
  },
});
