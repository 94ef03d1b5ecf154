import { describe, expect, it } from 'vitest';
import { createCa } from '../src/index.js';

describe('loading @peculiar/x509', () => {
  it('leaves no Reflect metadata stand-ins behind in the process', async () => {
    await createCa();
    const reflect = Reflect as unknown as Record<string, unknown>;
    expect(reflect['getMetadata']).toBeUndefined();
    expect(reflect['getOwnMetadata']).toBeUndefined();
    expect(reflect['defineMetadata']).toBeUndefined();
  });
});
