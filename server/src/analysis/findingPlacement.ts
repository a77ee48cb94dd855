/**
 * Where a finding goes when the statement it is about comes from an included file. A shared
 * snippet (Debian's proxy_params, included from many locations) is fine on its own; a finding
 * that exists only because of the block that includes it belongs at that block's `include`
 * line, the place the user can change, with the snippet's statement as related information.
 * A finding that is wrong in the snippet whatever includes it stays in the snippet.
 */
import type { ConfigNode } from '../model/configTree';
import { includedByOf } from '../model/configTree';
import type { RelatedLocation } from './finding';
import { relatedAt } from './rules/tlsRuleSupport';

export interface Placement {
  /** The statement to report on: `node` itself, or the include in the block's own file. */
  anchor: ConfigNode;
  /** Points back at `node` when the anchor is an include. */
  related: RelatedLocation[];
}

/**
 * The statement of `block`'s own file through which `node` takes part in `block`: the node
 * itself when the block's file holds it, else the outermost `include` (in the block's file)
 * that brought it in.
 */
export function placeInBlock(node: ConfigNode, block: ConfigNode, why: string): Placement {
  let anchor = node;
  for (let by = includedByOf(anchor); anchor.file.path !== block.file.path && by; by = includedByOf(anchor)) anchor = by;
  if (anchor === node || anchor.file.path !== block.file.path) return { anchor: node, related: [] };
  return { anchor, related: [relatedAt(node, why)] };
}
