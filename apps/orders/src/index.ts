export { createOrdersApp, ordersAppOptions, PROTO_ROOT } from './app.js';
export { OrdersService, DEMO_IDS } from './orders-service.js';
export { OrderRepository, ORDER_REPOSITORY } from './order-repository.js';
export { ordersSettings, ordersConfigSchema, type OrdersConfig } from './orders-settings.js';
