// The bridge to rss-parser: its parseString (xml2js over sax) reads the document and picks the
// format; we keep the element tree it built, in document order, and map it ourselves, because its
// own output drops xml:base, Atom text types, all but one enclosure and safe date handling.
import RssParser from 'rss-parser';

/** XmlNode: one element, children in document order (strings are text and CDATA). */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: (XmlNode | string)[];
}

export type XmlFormat = 'rss' | 'atom' | 'rdf';

interface Raw {
  '#name'?: string;
  $?: Record<string, string>;
  _?: string;
  $$?: Raw[];
}

type Capture = { root?: Raw; format?: XmlFormat; error?: Error; done: boolean };

const ORDERED = { explicitChildren: true, preserveChildrenOrder: true, charsAsChildren: true };

// Lenient sax upper-cases names; lower-case them and give rss-parser back the RDF root it knows.
const lower = (name: string): string => {
  const l = name.toLowerCase();
  return l === 'rdf:rdf' ? 'rdf:RDF' : l;
};

class TreeParser extends RssParser {
  capture: Capture = { done: false };
  constructor(strict: boolean, keepWhitespace: boolean, positions: boolean) {
    // Whitespace-only text nodes matter between inline XHTML elements and nowhere else; keeping
    // them makes xml2js three times slower, so only documents carrying XHTML pay for it.
    const base = keepWhitespace ? { ...ORDERED, includeWhiteChars: true } : ORDERED;
    super({
      defaultRSS: 2,
      xml2js: strict ? base : { ...base, strict: false, tagNameProcessors: [lower], attrNameProcessors: [lower] },
    });
    type XmlParser = { parseString(s: string, cb: (e: Error | null, r: unknown) => void): void };
    const self = this as unknown as { xmlParser: XmlParser };
    const inner = self.xmlParser as XmlParser & { saxParser: { trackPosition: boolean } };
    // sax counts lines and columns for every character, for error messages only: a parse that is
    // expected to succeed goes without (readTree asks again, with them, when it did not).
    inner.saxParser.trackPosition = positions;
    // xml2js runs synchronously; recording here lets parseFeed stay synchronous.
    self.xmlParser = {
      parseString: (s, cb) =>
        inner.parseString(s, (e, r) => {
          if (!this.capture.done) {
            this.capture.done = true;
            if (e) this.capture.error = e;
            else if (r && typeof r === 'object') this.capture.root = Object.values(r as Record<string, Raw>)[0];
          }
          cb(e, r);
        }),
    };
  }
  buildAtomFeed(): unknown {
    this.capture.format = 'atom';
    return { items: [] };
  }
  buildRSS0_9(): unknown {
    this.capture.format = 'rss';
    return { items: [] };
  }
  buildRSS1(): unknown {
    this.capture.format = 'rdf';
    return { items: [] };
  }
  buildRSS2(): unknown {
    this.capture.format = 'rss';
    return { items: [] };
  }
}

/** readXmlTree: XML text → root element and the format rss-parser recognised; throws the XML error (with its line and column when `positions`). */
export function readXmlTree(text: string, strict: boolean, keepWhitespace = true, positions = true): { root: XmlNode; format?: XmlFormat } {
  const parser = new TreeParser(strict, keepWhitespace, positions);
  parser.parseString(text).catch(() => undefined);
  const { root, format, error } = parser.capture;
  if (error) throw error;
  if (!root) throw new Error('the document is empty or has no root element');
  return { root: convert(root), ...(format && { format }) };
}

function convert(raw: Raw): XmlNode {
  const children: (XmlNode | string)[] = [];
  for (const c of raw.$$ ?? []) {
    if (c['#name'] === '__text__' || c['#name'] === '__cdata__') children.push(c._ ?? '');
    else children.push(convert(c));
  }
  // Without an ordered child list, the text is all there is.
  if (!raw.$$ && typeof raw._ === 'string') children.push(raw._);
  return { name: raw['#name'] ?? '', attrs: raw.$ ?? {}, children };
}
