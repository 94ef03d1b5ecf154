import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/table.js';

describe('renderTable', () => {
  it('aligns columns and marks each row ok or not', () => {
    const text = renderTable([
      { scenario: 'unary', expected: 'OK', actual: 'OK', detail: 'fine' },
      { scenario: 'no token', expected: 'UNAUTHENTICATED', actual: 'OK', detail: 'let through!' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^scenario\s+expected\s+actual\s+ok\s+detail$/);
    expect(lines[2]).toMatch(/^unary\s+OK\s+OK\s+yes\s+fine$/);
    expect(lines[3]).toMatch(/^no token\s+UNAUTHENTICATED\s+OK\s+NO\s+let through!$/);
    expect(lines[2]?.indexOf('OK')).toBe(lines[3]?.indexOf('UNAUTHENTICATED'));
  });
});
