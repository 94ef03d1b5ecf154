// Original file: rampart/demo/inventory/v1/inventory.proto


export interface StockAdjustment {
  'sku'?: (string);
  'delta'?: (number);
}

export interface StockAdjustment__Output {
  'sku': (string);
  'delta': (number);
}
