// Feed dates → ISO 8601 UTC. RFC 822 (RSS) and W3C-DTF/RFC 3339 (Atom, dc:date, JSON Feed) by
// hand, because `new Date()` reads zone-less times as local time and rolls 31 June into 1 July.

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};
// RFC 822 zones, plus the US ones it names; military single letters are too ambiguous in the wild
// (they were specified with the wrong sign), so they read as UTC.
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7,
  bst: 1, cet: 1, cest: 2, eet: 2, eest: 3, jst: 9, ist: 5.5, aest: 10, aedt: 11,
};

const ISO = /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;
const RFC822 = /^(?:[A-Za-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3})[A-Za-z]*\.?[\s-]+(\d{2,4})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?(?:\s.*)?$/;
// "Wed Jan 02 2008 10:20:30 GMT+0100" and the like (asctime-ish, month first).
const MONTH_FIRST = /^(?:[A-Za-z]{2,9},?\s+)?([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2}),?\s+(?:(\d{1,2}):(\d{2})(?::(\d{2}))?\s+)?(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:(?:GMT|UTC)?([+-]\d{2}:?\d{2})|([A-Za-z]{1,5}))?$/;

/** parseDate: a feed date string → ISO 8601 UTC (`2024-05-01T10:00:00.000Z`), or undefined when unusable. */
export function parseDate(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  const s = input.trim().replace(/\s+/g, ' ');
  if (!s) return undefined;
  return parseIso(s) ?? parseRfc822(s) ?? parseMonthFirst(s);
}

function parseIso(s: string): string | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [, y, mo = '1', d = '1', h = '0', mi = '0', sec = '0', frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return build(+y!, +mo, +d, +h, +mi, +sec, ms, zoneOffsetMinutes(zone));
}

function parseRfc822(s: string): string | undefined {
  const m = RFC822.exec(s);
  if (!m) return undefined;
  const [, d, mon, y, h = '0', mi = '0', sec = '0', zone] = m;
  const month = MONTHS[mon!.toLowerCase()];
  if (!month) return undefined;
  return build(fullYear(y!), month, +d!, +h, +mi, +sec, 0, zoneOffsetMinutes(zone));
}

function parseMonthFirst(s: string): string | undefined {
  const m = MONTH_FIRST.exec(s);
  if (!m) return undefined;
  const [, mon, d, h1, mi1, s1, y, h2, mi2, s2, offset, name] = m;
  const month = MONTHS[mon!.toLowerCase()];
  if (!month) return undefined;
  const h = h1 ?? h2 ?? '0';
  const mi = mi1 ?? mi2 ?? '0';
  const sec = s1 ?? s2 ?? '0';
  return build(+y!, month, +d!, +h, +mi, +sec, 0, zoneOffsetMinutes(offset ?? name));
}

function fullYear(y: string): number {
  const n = +y;
  if (y.length === 4) return n;
  // RFC 2822 §4.3: two-digit years below 50 are 20xx; three digits add 1900.
  if (y.length === 2) return n < 50 ? 2000 + n : 1900 + n;
  return 1900 + n;
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (m) {
    const mins = +m[2]! * 60 + +(m[3] ?? 0);
    if (+m[2]! > 23 || +(m[3] ?? 0) > 59) return undefined;
    return m[1] === '-' ? -mins : mins;
  }
  const named = ZONES[zone.toLowerCase()];
  if (named !== undefined) return named * 60;
  // Single-letter military zones and unknown abbreviations: keep the time, call it UTC.
  return /^[A-Za-z]{1,5}$/.test(zone) ? 0 : undefined;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number | undefined): string | undefined {
  if (offset === undefined) return undefined;
  if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined;
  if (h > 24 || mi > 59 || s > 60 || (h === 24 && (mi > 0 || s > 0))) return undefined;
  // A leap second reads as the last second of its minute.
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms) - offset * 60_000;
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

function daysIn(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}
