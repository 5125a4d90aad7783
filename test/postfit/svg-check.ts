/**
 * A strict-enough XML well-formedness check for the plots: every tag closes in order, attributes
 * are quoted, entities are the five XML ones. Returns the elements' tag names with attributes.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
}

export function parseXml(text: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    for (const m of chunk.matchAll(/&([^;\s]*);?/g)) {
      if (!/^(amp|lt|gt|quot|apos);$/.test(m[0].slice(1))) throw new Error(`bad entity '${m[0]}'`);
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(text);
    if (!m) throw new Error(`malformed tag at ${lt}: ${text.slice(lt, lt + 40)}`);
    const [, close, name, attrs, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      const attributes: Record<string, string> = {};
      for (const a of attrs.matchAll(/([\w:-]+)="([^"]*)"/g)) attributes[a[1]] = a[2];
      elements.push({ name, attributes });
      if (!selfClose) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join("> <")}>`);
  return elements;
}
