/**
 * Walks over a cheerio (domhandler) tree without cheerio's traversal (pure, linear, iterative).
 *
 * cheerio's `.find()` from a node with many children sorts its matches into document order with
 * `compareDocumentPosition`, which looks each node up in its parent's children: the square of the
 * matches (a CDF channel of 40,000 items took 8 s to find them). `.after()` and `.remove()` splice
 * the parent's children once per node: page-change's one space after every block element never
 * finished for 1 MB of `<br>`. These walks visit each node once, in document order, with an
 * explicit stack (no recursion: a page may nest 2,000 levels).
 */

/** The parts of a domhandler node these walks read. */
export interface DomNode {
  readonly type: string;
  readonly name?: string;
  readonly data?: string;
  readonly attribs?: Readonly<Record<string, string>>;
  readonly children?: readonly DomNode[];
  readonly parent?: DomNode | null;
}

const isElement = (n: DomNode): boolean => n.type === 'tag' || n.type === 'script' || n.type === 'style';

/** Every element under `root` (not `root` itself) that `keep` accepts (default all), in document order. */
export function descendantElements(root: DomNode, keep: (element: DomNode) => boolean = () => true): DomNode[] {
  const found: DomNode[] = [];
  const stack: DomNode[] = [...(root.children ?? [])].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isElement(node) && keep(node)) found.push(node);
    const kids = node.children;
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return found;
}

/** Every element under `root` (not `root` itself) whose name is `name`, in document order. */
export function descendantsNamed(root: DomNode, name: string): DomNode[] {
  return descendantElements(root, (el) => el.name === name);
}

export interface TextWalk {
  /** Elements left out with everything inside them. */
  readonly skip: (element: DomNode) => boolean;
  /** Elements followed by a space (after their content). */
  readonly spaceAfter: (element: DomNode) => boolean;
}

/** The text of `root` and everything under it, as cheerio's `.text()` joins it, with the walk's skips and spaces. */
export function textOfTree(root: DomNode, walk: TextWalk): string {
  const parts: string[] = [];
  const SPACE: DomNode = { type: 'space' };
  const stack: DomNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node === SPACE) {
      parts.push(' ');
      continue;
    }
    if (node.type === 'text') {
      parts.push(node.data ?? '');
      continue;
    }
    if (isElement(node)) {
      if (node !== root && walk.skip(node)) continue;
      if (node !== root && walk.spaceAfter(node)) stack.push(SPACE);
    }
    const kids = node.children;
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return parts.join('');
}

/** Whether `node` or one of its ancestors is an element `skip` accepts. */
export function withinSkipped(node: DomNode, skip: (element: DomNode) => boolean): boolean {
  for (let n: DomNode | null | undefined = node; n; n = n.parent) if (isElement(n) && skip(n)) return true;
  return false;
}
