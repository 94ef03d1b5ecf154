// Original file: rampart/test/v1/echo.proto


export interface EchoResponse {
  'text'?: (string);
  'index'?: (number);
}

export interface EchoResponse__Output {
  'text': (string);
  'index': (number);
}
