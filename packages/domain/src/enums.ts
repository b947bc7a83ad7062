/**
 * An enum as a constant object keyed by its values (`RelationshipState.Lead === 'Lead'`), from the one
 * list of values that is written in TypeScript (often the event catalog's, as events carry them too).
 * Export it under the GraphQL enum's name together with a type of the same name; the generated
 * resolver types then use the domain's values instead of a copy.
 */
export function enumObject<const Values extends readonly string[]>(
  values: Values,
): { readonly [Value in Values[number]]: Value } {
  return Object.freeze(Object.fromEntries(values.map((value) => [value, value]))) as {
    readonly [Value in Values[number]]: Value;
  };
}
