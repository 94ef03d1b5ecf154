// Original file: rampart/test/v1/echo.proto


export interface CountRequest {
  'from'?: (number);
  'to'?: (number);
  'delayMs'?: (number);
  'failAfter'?: (number);
}

export interface CountRequest__Output {
  'from': (number);
  'to': (number);
  'delayMs': (number);
  'failAfter': (number);
}
