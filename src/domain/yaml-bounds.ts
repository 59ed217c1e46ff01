/**
 * A bound on YAML before it is parsed. The `yaml` parser is linear, but deep flow nesting (`[[[[…`,
 * `{a: {a: …`) costs it far more per character than anything else; real configuration and roster files
 * nest a few levels. One pass, constant work per character; an approximation that may over-count
 * (a bracket in a plain scalar counts), never under-count a real nesting level.
 */

/** Deepest flow nesting (`[` and `{`) a YAML file may have before it is parsed. */
export const MAX_YAML_FLOW_DEPTH = 32;

/** The deepest flow nesting of a YAML text, ignoring comments and quoted scalars. */
export function yamlFlowDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "#" && (i === 0 || text[i - 1] === " " || text[i - 1] === "\t" || text[i - 1] === "\n")) {
      const end = text.indexOf("\n", i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return deepest;
}
