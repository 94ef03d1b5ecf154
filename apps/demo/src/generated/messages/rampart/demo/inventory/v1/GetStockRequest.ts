// Original file: rampart/demo/inventory/v1/inventory.proto


export interface GetStockRequest {
  'sku'?: (string);
}

export interface GetStockRequest__Output {
  'sku': (string);
}
