// Original file: rampart/test/v1/echo.proto


export interface EchoRequest {
  'text'?: (string);
  'fail'?: (string);
  'delayMs'?: (number);
}

export interface EchoRequest__Output {
  'text': (string);
  'fail': (string);
  'delayMs': (number);
}
