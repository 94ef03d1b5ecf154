import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/report/render-table.js';
import { renderTimelineSvg } from '../src/report/timeline-svg.js';
import { RESULT } from './fixtures/run-result.js';

describe('renderTable', () => {
  const text = renderTable(RESULT);
  const lines = text.split('\n');

  it('gives calls, failures and p50/p99 before and during the rollout', () => {
    expect(lines[0]).toMatch(/^phase\s+calls\s+failed\s+p50 ms\s+p99 ms$/);
    expect(text).toMatch(/^before the rollout\s+40\s+0\s+7\.5\s+20$/m);
    expect(text).toMatch(/^rolling inventory\s+40\s+1\s+9\.0\s+41$/m);
    expect(text).toMatch(/^rolling orders\s+0\s+0\s+-\s+-$/m);
    expect(text).toMatch(/^all\s+100\s+1\s+8\.3\s+41$/m);
    expect(text).toMatch(/^TrackOrders\s+0\s+0\s+-\s+-$/m);
  });

  it('gives each replica its share of its service and how soon a new one got its first call', () => {
    expect(text).toMatch(/^inventory-1\s+10\.77\.42\.4\s+-\s+-2\.0\s+5\.0\s+0\s+-\s+30\s+75\.0 %$/m);
    expect(text).toMatch(/^inventory-2 \(new\)\s+10\.77\.42\.6\s+4\.5\s+4\.6\s+-\s+running\s+900 ms\s+10\s+25\.0 %$/m);
    expect(text).toMatch(/^orders-1\s+.*\s+100\s+100\.0 %$/m);
    expect(text).toContain('new replicas with traffic within max connection age + grace (1000 ms): all');
  });

  it('shows the replay check and lists the failed calls', () => {
    expect(text).toContain('one-time token: at inventory-1 OK (accepted by inventory-1), the same token at inventory-2 UNAUTHENTICATED (invalid token)');
    expect(text).toMatch(/^5\.3\s+12\s+inventory\s+PlaceOrder\s+UNAVAILABLE\s+inventory unavailable$/m);
  });

  it('names a new replica that got no traffic within the bound', () => {
    const late = { ...RESULT, replicas: RESULT.replicas.map((r) => (r.id === 'inventory-2' ? { ...r, firstCallAfterMs: 1_500 } : r)) };
    expect(renderTable(late)).toContain('(1000 ms): not inventory-2');
  });
});

describe('renderTimelineSvg', () => {
  const svg = renderTimelineSvg(RESULT);

  it('is one SVG document with a lane per replica and one of failed calls', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(RESULT.replicas.length + 1);
    for (const r of RESULT.replicas) expect(svg).toContain(`${r.id} ${r.address}`);
    expect(svg).toContain('failed calls (load driver)');
    expect(svg).toContain('100 calls, 1 failed');
  });

  it('draws the failed second at its place and marks DNS and exit events', () => {
    const errors = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="#d62728"/g)][0]?.[1] ?? '';
    const ys = new Set(errors.split(' ').map((p) => p.split(',')[1]));
    expect(ys.size).toBe(2); // the baseline and one peak
    expect(svg.match(/▲/g)).toHaveLength(1); // replicas in DNS before the load started get no mark
    expect(svg.match(/▼/g)).toHaveLength(1);
    expect(svg.match(/✕/g)).toHaveLength(1);
  });

  it('escapes text it did not write itself', () => {
    const odd = renderTimelineSvg({ ...RESULT, replicas: [{ ...RESULT.replicas[0]!, id: 'a<b>&c' }] });
    expect(odd).toContain('a&lt;b&gt;&amp;c');
    expect(odd).not.toContain('a<b>');
  });
});
