// Original file: rampart/demo/inventory/v1/inventory.proto


export interface StockLevel {
  'sku'?: (string);
  'available'?: (number);
  'reserved'?: (number);
}

export interface StockLevel__Output {
  'sku': (string);
  'available': (number);
  'reserved': (number);
}
