export { startTestApp, TEST_CONFIG_VALUES, type TestApp, type TestAppOptions } from './test-app.js';
export { deepMerge } from './merge.js';
