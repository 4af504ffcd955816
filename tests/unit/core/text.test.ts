import { describe, expect, it } from 'vitest';
import { htmlToText, truncate } from '../../../src-main/core/text';
import { runScheduled } from '../../../src-main/core/scheduler';

describe('htmlToText', () => {
  it('drops tags, scripts, styles and comments, decodes entities, collapses whitespace', () => {
    expect(htmlToText('<p>Caf&eacute; &amp; <b>bar</b></p>\n\n<script>alert(1)</script><style>p{}</style><!-- x --><p>next&nbsp;line</p>')).toBe('Café & bar next line');
  });

  it('cuts on a word boundary with an ellipsis', () => {
    expect(htmlToText('<p>one two three four five</p>', 14)).toBe('one two three…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('runScheduled', () => {
  it('respects the overall and per-host limits and keeps results in order, failures included', async () => {
    let running = 0;
    let peak = 0;
    const perHost = new Map<string, number>();
    let hostPeak = 0;
    const tasks = Array.from({ length: 12 }, (_, i) => ({
      host: `h${i % 3}`,
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        const h = `h${i % 3}`;
        perHost.set(h, (perHost.get(h) ?? 0) + 1);
        hostPeak = Math.max(hostPeak, perHost.get(h)!);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        perHost.set(h, perHost.get(h)! - 1);
        if (i === 5) throw new Error('boom');
        return i;
      },
    }));
    const results = await runScheduled(tasks, 4, 1);
    expect(peak).toBe(3);
    expect(hostPeak).toBe(1);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual([0, 1, 2, 3, 4, 'x', 6, 7, 8, 9, 10, 11]);
  });
});
