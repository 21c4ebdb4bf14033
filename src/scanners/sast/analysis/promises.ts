import { joinAll, make, type Value } from './value.js';

/** Settled value of a promise: a `new Promise` object resolves to what was passed to resolve(). */
export function awaited(v: Value): Value {
  const settled = v.objs.filter((o) => o.settled !== undefined);
  if (settled.length === 0) return v;
  return joinAll([make({ ...v, objs: v.objs.filter((o) => o.settled === undefined) }), ...settled.map((o) => o.settled!)]);
}
