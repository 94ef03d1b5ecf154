import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Each rule test runs dependency-cruiser (a process that takes 3-5 s to start and cruise) up to three times; on a
// loaded machine that passes the shared 20 s.
export default mergeConfig(shared, { test: { testTimeout: 90_000 } });
