import type { EntityDescriptor, SealedValueType } from './schema-descriptor.js';

/** What a descriptor says about the value at a sealed position. */
export interface SealedSpec {
  readonly type: SealedValueType;
  readonly padding: number | undefined;
}

/**
 * A position pattern inside a record. `sealed` marks a sealed value; children
 * describe what lies inside (object properties, array elements), which for a
 * sealed value means inside its `Declared` JSON. `anyDepth` treats every
 * string at or below this position that has the envelope format as sealed.
 */
export class PathNode {
  sealed: SealedSpec | undefined;
  anyDepth = false;
  readonly children = new Map<string, PathNode>();
  each: PathNode | undefined;

  /** The node for property `name`, or for every property when walking by format. */
  property(name: string): PathNode | undefined {
    return this.anyDepth ? FORMAT_NODE : this.children.get(name);
  }

  /** The node for array elements. */
  element(): PathNode | undefined {
    return this.anyDepth ? FORMAT_NODE : this.each;
  }

  /** Whether sealed values may sit below this position. */
  get hasInner(): boolean {
    return this.anyDepth || this.children.size > 0 || this.each !== undefined;
  }
}

const FORMAT_NODE = new PathNode();
FORMAT_NODE.anyDepth = true;

/** A tree that finds sealed values by their envelope format alone, for keyspaces with no schema. */
export function formatTree(): PathNode {
  return FORMAT_NODE;
}

/** The tree of sealed positions a descriptor lists. */
export function pathTree(descriptor: EntityDescriptor): PathNode {
  const root = new PathNode();
  for (const entry of descriptor.sealed) {
    let node = root;
    for (const segment of entry.segments) {
      if (segment === null) {
        node.each ??= new PathNode();
        node = node.each;
      } else {
        let child = node.children.get(segment);
        if (child === undefined) {
          child = new PathNode();
          node.children.set(segment, child);
        }
        node = child;
      }
    }
    if (entry.kind === 'recursive') node.anyDepth = true;
    else node.sealed = { type: entry.type ?? 'json', padding: entry.padding };
  }
  return root;
}
