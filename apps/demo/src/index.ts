export { renderTable, type Row } from './table.js';
export { runScenarios } from './scenarios.js';
export { issuerClients } from './world.js';
