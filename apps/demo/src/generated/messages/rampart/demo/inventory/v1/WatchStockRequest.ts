// Original file: rampart/demo/inventory/v1/inventory.proto


export interface WatchStockRequest {
  'sku'?: (string);
  'maxUpdates'?: (number);
}

export interface WatchStockRequest__Output {
  'sku': (string);
  'maxUpdates': (number);
}
