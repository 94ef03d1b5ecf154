// Original file: rampart/demo/inventory/v1/inventory.proto


export interface ReserveRequest {
  'sku'?: (string);
  'quantity'?: (number);
  'orderId'?: (string);
}

export interface ReserveRequest__Output {
  'sku': (string);
  'quantity': (number);
  'orderId': (string);
}
