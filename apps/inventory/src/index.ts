export { createInventoryApp, inventoryAppOptions, PROTO_ROOT } from './app.js';
export { InventoryService, ORDERS_WORKLOAD, ORDERS_WORKLOAD_ON_KUBERNETES } from './inventory-service.js';
export { StockRepository, STOCK_REPOSITORY, DEMO_STOCK } from './stock-repository.js';
