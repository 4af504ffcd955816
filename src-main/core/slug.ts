// Names derived from titles and folders for exported files and Jekyll categories: ASCII only in
// file names (portable across file systems and URLs), never a path separator.

// Letters NFKD does not decompose into ASCII.
const FOLD: Record<string, string> = {
  ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L',
  þ: 'th', Þ: 'TH', ð: 'd', Ð: 'D', ı: 'i', ħ: 'h', Ħ: 'H', ŋ: 'ng', Ŋ: 'NG',
};

/** asciiFold: text with accents and ligatures folded to ASCII (`Größe Œuvre` → `Grosse Oeuvre`); other characters become spaces. */
export function asciiFold(s: string): string {
  return s
    .replace(/[ßæÆœŒøØđĐłŁþÞðÐıħĦŋŊ]/g, (c) => FOLD[c] ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[‘’‚′]/g, "'")
    .replace(/[^\x20-\x7e]+/g, ' ');
}

/** slugify: a title as a file-name slug — ASCII, lower-case, words joined by `-`, at most max characters, cut on a word boundary. */
export function slugify(title: string, max = 80): string {
  const slug = asciiFold(title)
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max + 1);
  const dash = cut.lastIndexOf('-');
  return (dash > max / 2 ? cut.slice(0, dash) : slug.slice(0, max)).replace(/-+$/, '');
}

/** folderSlug: a folder path as a Jekyll category — lower-cased, runs of non-alphanumerics turned into `_` (`Environmental News` → `environmental_news`). */
export function folderSlug(folder: string): string {
  return folder
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}
