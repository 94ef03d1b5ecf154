import { createInventoryApp } from './app.js';

try {
  const app = await createInventoryApp();
  await app.listen();
} catch (error) {
  process.stderr.write(`inventory: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
