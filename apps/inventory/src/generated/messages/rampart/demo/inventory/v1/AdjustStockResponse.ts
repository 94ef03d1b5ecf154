// Original file: rampart/demo/inventory/v1/inventory.proto

import type { StockLevel as _rampart_demo_inventory_v1_StockLevel, StockLevel__Output as _rampart_demo_inventory_v1_StockLevel__Output } from '../../../../rampart/demo/inventory/v1/StockLevel.js';

export interface AdjustStockResponse {
  'adjustments'?: (number);
  'levels'?: (_rampart_demo_inventory_v1_StockLevel)[];
}

export interface AdjustStockResponse__Output {
  'adjustments': (number);
  'levels': (_rampart_demo_inventory_v1_StockLevel__Output)[];
}
