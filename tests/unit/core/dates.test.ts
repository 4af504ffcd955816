import { describe, expect, it } from 'vitest';
import { parseDate } from '../../../src-main/core/dates';

describe('parseDate', () => {
  it('reads RFC 822 dates with numeric and named zones, with and without weekday or seconds', () => {
    expect(parseDate('Sun, 07 Jan 2007 21:12:34 +0100')).toBe('2007-01-07T20:12:34.000Z');
    expect(parseDate('Fri, 6 Jun 2003 16:04 EDT')).toBe('2003-06-06T20:04:00.000Z');
    expect(parseDate('01 Jan 2004 19:48:21 GMT')).toBe('2004-01-01T19:48:21.000Z');
    expect(parseDate('Thu, 01 Jan 04 19:48:21 GMT')).toBe('2004-01-01T19:48:21.000Z');
    expect(parseDate('Mon, 01 Jan 2007 00:00:00 +0000 (UTC)')).toBe('2007-01-01T00:00:00.000Z');
  });

  it('reads W3C-DTF / RFC 3339, treating zone-less times as UTC', () => {
    expect(parseDate('2003-12-13T18:30:02Z')).toBe('2003-12-13T18:30:02.000Z');
    expect(parseDate('2003-12-13T18:30:02.25+01:00')).toBe('2003-12-13T17:30:02.250Z');
    expect(parseDate('2004-02-28T18:14:55-08:00')).toBe('2004-02-29T02:14:55.000Z');
    expect(parseDate('2003-12-13T18:30:02')).toBe('2003-12-13T18:30:02.000Z');
    expect(parseDate('2003-12-13 18:30')).toBe('2003-12-13T18:30:00.000Z');
    expect(parseDate('2003-12')).toBe('2003-12-01T00:00:00.000Z');
  });

  it('rejects impossible dates instead of rolling them over', () => {
    expect(parseDate('2024-06-31T10:00:00Z')).toBeUndefined();
    expect(parseDate('Mon, 31 Jun 2024 10:00:00 GMT')).toBeUndefined();
    expect(parseDate('2023-02-29')).toBeUndefined();
    expect(parseDate('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(parseDate('2024-01-01T25:00:00Z')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
  });
});
