// Original file: rampart/demo/inventory/v1/inventory.proto


export interface ReserveResponse {
  'reservationId'?: (string);
  'remaining'?: (number);
}

export interface ReserveResponse__Output {
  'reservationId': (string);
  'remaining': (number);
}
