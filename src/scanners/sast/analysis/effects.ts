/**
 * A count of what the analysis changed beyond the flow-sensitive variables of the code it
 * is in: objects created or written, functions and labels created, variables written from
 * other frames or changing what they ever held, function bodies analysed (memo, merged
 * contexts, guard summaries), entry points entered, guard flags used, escaped functions recorded.
 *
 * A loop pass during which this count did not move, and which leaves the loop's variables
 * as it found them, would be repeated exactly by a further pass: runLoop skips that pass.
 * Bumping it where nothing changed only costs that saving; a change it missed would make
 * the skipped pass differ from the one before it.
 */
export const effects = {
  count: 0,
  /**
   * The newest variable when the innermost loop pass running now began: variables declared
   * after it belong to scopes of that pass, and what they ever held is not an effect.
   */
  passFloor: Infinity,
};
