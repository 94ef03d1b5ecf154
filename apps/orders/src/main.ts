import { createOrdersApp } from './app.js';

try {
  const app = await createOrdersApp();
  await app.listen();
} catch (error) {
  process.stderr.write(`orders: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
